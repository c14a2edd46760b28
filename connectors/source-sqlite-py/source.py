#!/usr/bin/env python3
"""source-sqlite-py: an Airbyte source for SQLite database files, in Python with the standard library only.

    source.py spec
    source.py check    --config CONFIG
    source.py discover --config CONFIG
    source.py read     --config CONFIG --catalog CONFIGURED_CATALOG [--state STATE]

Config: {"database_path": str (required), "tables": [str] (only these tables and views),
         "cursor_field": {"<table>": "<column>"} (those tables read incrementally), "chunk_size": int (10000)}

Every table and view is a stream (no namespace). The database is opened read-only. Tables are read in chunks of
chunk_size rows, one query per chunk, so that no read lock is held between chunks; views have no key to page by
and are read with one query. A STATE follows every chunk.
  full refresh  ordered by the primary key (or by rowid when the table has none, or when its key may hold NULL);
                state {"rows_read": n}, progress only: a full refresh always starts from the first row
  incremental   rows whose cursor is >= the saved cursor, ordered by cursor then key; state {"cursor": value}.
                Rows whose cursor is NULL are not read (a WARN log counts them).
"""
import argparse
import base64
import datetime
import json
import math
import os
import re
import sqlite3
import sys
import time
import traceback
import urllib.parse

DEFAULT_CHUNK_SIZE = 10000
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

SPEC = {
    "documentationUrl": "https://github.com/sluice-data/sluice#source-sqlite-py",
    "connectionSpecification": {
        "$schema": DRAFT_07,
        "title": "SQLite source (Python)",
        "type": "object",
        "required": ["database_path"],
        "additionalProperties": True,
        "properties": {
            "database_path": {"type": "string", "format": "path", "minLength": 1, "title": "Database file", "order": 0,
                              "description": "Path of the SQLite database file; it is opened read-only."},
            "tables": {"type": "array", "items": {"type": "string", "minLength": 1}, "title": "Tables", "order": 1,
                       "description": "Read only these tables and views (default: all of them)."},
            "cursor_field": {"type": "object", "additionalProperties": {"type": "string", "minLength": 1},
                             "title": "Cursor columns", "order": 2,
                             "description": "Table name to the column that orders its changes, e.g. "
                                            "{\"orders\": \"updated_at\"}; those tables can be read incrementally."},
            "chunk_size": {"type": "integer", "minimum": 1, "default": DEFAULT_CHUNK_SIZE, "title": "Rows per chunk",
                           "order": 3, "description": "Rows read per query; a STATE follows every chunk."},
        },
    },
}


# --- output: one compact JSON message per line on a buffered stdout ---------------------------------------------

OUT = open(sys.stdout.fileno(), "wb", buffering=1 << 16, closefd=False)
ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode


def emit(message, flush=False):
    OUT.write(ENCODE(message).encode("utf-8", "replace") + b"\n")
    if flush:
        OUT.flush()


def now_ms():
    return int(time.time() * 1000)


def log(level, message):
    emit({"type": "LOG", "log": {"level": level, "message": message}})


def trace(kind, body):
    key = {"ERROR": "error", "ESTIMATE": "estimate", "STREAM_STATUS": "stream_status"}[kind]
    emit({"type": "TRACE", "trace": {"type": kind, "emitted_at": now_ms(), key: body}}, flush=True)


def stream_status(name, status):
    trace("STREAM_STATUS", {"stream_descriptor": {"name": name}, "status": status})


def emit_state(name, blob, record_count):
    emit({"type": "STATE", "state": {"type": "STREAM",
                                     "stream": {"stream_descriptor": {"name": name}, "stream_state": blob},
                                     "sourceStats": {"recordCount": record_count}}}, flush=True)


class SourceError(Exception):
    """A failure the user can act on; failure_type is the protocol's (config_error, transient_error, system_error)."""

    def __init__(self, message, failure_type="config_error"):
        super().__init__(message)
        self.failure_type = failure_type


# --- config, catalog and state files ------------------------------------------------------------------------------

def load_json(path, what):
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise SourceError("cannot read the %s file %s: %s" % (what, path, e.strerror))
    try:
        return json.loads(text) if text.strip() else None
    except ValueError as e:
        raise SourceError("the %s file %s is not valid JSON: %s" % (what, path, e))


def parse_config(raw):
    if not isinstance(raw, dict):
        raise SourceError("the config must be a JSON object")
    path = raw.get("database_path")
    if not isinstance(path, str) or path == "":
        raise SourceError("config field 'database_path' is required and must be a non-empty string")
    tables = raw.get("tables")
    if tables is not None and (not isinstance(tables, list) or not all(isinstance(t, str) and t for t in tables)):
        raise SourceError("config field 'tables' must be a list of table names")
    cursors = raw.get("cursor_field") or {}
    if not isinstance(cursors, dict) or not all(isinstance(c, str) and c for c in cursors.values()):
        raise SourceError("config field 'cursor_field' must map table names to column names, "
                          "e.g. {\"orders\": \"updated_at\"}")
    chunk_size = raw.get("chunk_size", DEFAULT_CHUNK_SIZE)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise SourceError("config field 'chunk_size' must be an integer >= 1")
    return {"database_path": path, "tables": tables, "cursor_field": cursors, "chunk_size": chunk_size}


def parse_state(raw):
    """Stream name -> stream_state, from the stored array form, one STATE message (with or without its envelope),
    a GLOBAL or LEGACY message, or a legacy plain object {"<table>": {"cursor": value}}."""
    states = {}
    for item in raw if isinstance(raw, list) else [raw]:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "STATE" and isinstance(item.get("state"), dict):
            item = item["state"]
        kind = item.get("type")
        bare_stream = kind is None and isinstance(item.get("stream"), dict) and "stream_descriptor" in item["stream"]
        if kind == "STREAM" or bare_stream:
            entries = [item.get("stream")]
        elif kind == "GLOBAL":
            entries = (item.get("global") or {}).get("stream_states") or []
        elif kind == "LEGACY" or (kind is None and list(item) == ["data"] and is_legacy_blob(item["data"])):
            entries, legacy = [], item.get("data")
            if isinstance(legacy, dict):
                states.update((k, v) for k, v in legacy.items() if isinstance(v, dict))
        elif kind is None:
            entries = []
            states.update((k, v) for k, v in item.items() if isinstance(v, dict))
        else:
            entries = []
        for entry in entries:
            name = ((entry or {}).get("stream_descriptor") or {}).get("name") if isinstance(entry, dict) else None
            if name:
                states[name] = entry.get("stream_state") if isinstance(entry.get("stream_state"), dict) else None
    return states


def is_legacy_blob(data):
    """{"data": {"orders": {...}}} wraps a legacy state; {"data": {"cursor": 5}} is the state of a table named data."""
    return isinstance(data, dict) and bool(data) and all(isinstance(v, dict) for v in data.values())


# --- the database ------------------------------------------------------------------------------------------------

def quote(identifier):
    return '"%s"' % identifier.replace('"', '""')


def open_database(path):
    if not os.path.exists(path):
        raise SourceError("the database file %s does not exist" % path)
    if os.path.isdir(path):
        raise SourceError("the database path %s is a directory, not a SQLite database file" % path)
    if not os.access(path, os.R_OK):
        raise SourceError("the database file %s is not readable (permission denied)" % path)
    uri = "file:%s?mode=ro" % urllib.parse.quote(os.path.abspath(path))
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=10, isolation_level=None)
        conn.text_factory = lambda data: data.decode("utf-8", "replace")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as e:
        raise SourceError("%s cannot be read as a SQLite database: %s" % (path, e))
    return conn


def list_relations(conn, wanted):
    """Name -> 'table' or 'view' for the user's tables and views (only those in `wanted` when given)."""
    found = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
                              "AND name NOT LIKE 'sqlite^_%' ESCAPE '^' ORDER BY name").fetchall())
    if wanted is None:
        return found
    missing = [name for name in wanted if name not in found]
    if missing:
        raise SourceError("config field 'tables' names %s, not a table or view of the database (it has: %s)"
                          % (", ".join(missing), ", ".join(list(found)[:20]) or "none"))
    return {name: kind for name, kind in found.items() if name in set(wanted)}


def rowid_alias(conn, table, column_names):
    """The name that reads a table's rowid, or None for a WITHOUT ROWID table (or one whose columns hide it)."""
    taken = {name.lower() for name in column_names}
    for alias in ("rowid", "_rowid_", "oid"):
        if alias not in taken:
            try:
                conn.execute("SELECT %s FROM %s LIMIT 0" % (alias, quote(table)))
                return alias
            except sqlite3.Error:
                return None
    return None


class Column:
    def __init__(self, name, declared, not_null):
        self.name, self.declared, self.not_null = name, declared, not_null
        self.kind = kind_of(declared)


class Relation:
    """A table or view: its columns in order, its primary key, and the key its rows are paged by."""

    def __init__(self, conn, name, kind):
        self.name, self.kind = name, kind
        info = conn.execute('SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid',
                            (name,)).fetchall()
        if not info:
            raise sqlite3.OperationalError("it has no columns")
        self.primary_key = [row[0] for row in sorted((row for row in info if row[3] > 0), key=lambda row: row[3])]
        rowid = rowid_alias(conn, name, [row[0] for row in info]) if kind == "table" else None
        # A WITHOUT ROWID table's key is NOT NULL; an INTEGER PRIMARY KEY is the rowid. Any other key may hold NULL.
        integer_pk = [row[1].upper() for row in info if row[3] > 0] == ["INTEGER"]
        key_not_null = bool(self.primary_key) and kind == "table" and (rowid is None or integer_pk)
        self.columns = [Column(row[0], row[1] or "", bool(row[2]) or (key_not_null and row[0] in self.primary_key))
                        for row in info]
        safe_key = self.primary_key and all(c.not_null for c in self.columns if c.name in self.primary_key)
        self.key = [quote(c) for c in self.primary_key] if kind == "table" and safe_key else ([rowid] if rowid else [])

    def column(self, name):
        return next((c for c in self.columns if c.name == name), None)


def describe_relations(conn, config):
    relations = {}
    for name, kind in list_relations(conn, config["tables"]).items():
        try:
            relations[name] = Relation(conn, name, kind)
        except sqlite3.Error as e:
            log("WARN", "%s %s is skipped: its columns cannot be read: %s" % (kind, name, e))
    for table, column in config["cursor_field"].items():
        if table not in relations:
            raise SourceError("config field 'cursor_field' names %s, not a table or view being read" % table)
        if relations[table].column(column) is None:
            raise SourceError("config field 'cursor_field' names column %s of %s, which has no such column (it has: %s)"
                              % (column, table, ", ".join(c.name for c in relations[table].columns)))
    return relations


# --- types: declared SQLite type -> JSON schema, and each value -> JSON ------------------------------------------

TYPE_NAMES = (("INT", "integer"), ("BOOL", "boolean"), ("DATETIME", "date-time"), ("TIMESTAMP", "date-time"),
              ("DATE", "date"), ("TIME", "time"), ("CHAR", "string"), ("CLOB", "string"), ("TEXT", "string"),
              ("BLOB", "binary"), ("REAL", "number"), ("FLOA", "number"), ("DOUB", "number"),
              ("NUMERIC", "number"), ("DECIMAL", "number"), ("NUMBER", "number"))

SCHEMAS = {
    "integer": {"type": "integer"},
    "number": {"type": "number"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
    "binary": {"type": "string", "contentEncoding": "base64"},
    "date-time": {"type": "string", "format": "date-time", "airbyte_type": "timestamp_without_timezone"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time", "airbyte_type": "time_without_timezone"},
    "any": {"type": ["string", "number"]},
}


def kind_of(declared):
    """SQLite's own affinity rules, in spirit: the first known word inside the declared type decides."""
    upper = declared.upper()
    for needle, kind in TYPE_NAMES:
        if needle in upper:
            return kind
    return "any" if upper.strip() == "" else "string"


def column_schema(column):
    schema = dict(SCHEMAS[column.kind])
    if not column.not_null:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        schema["type"] = ["null"] + types
    return schema


DATE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})"
                       r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$", re.I)
TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$")
UNIX_EPOCH = datetime.datetime(1970, 1, 1)
TRUE, FALSE = {"1", "true", "t", "yes", "y"}, {"0", "false", "f", "no", "n"}


def to_integer(v):
    if type(v) is int:
        return v
    if type(v) is float and v.is_integer():
        return int(v)
    if type(v) is str:
        return int(v.strip())
    raise ValueError


def to_number(v):
    if type(v) is str:
        try:
            v = int(v.strip())
        except ValueError:
            v = float(v)
    if type(v) is int or (type(v) is float and math.isfinite(v)):
        return v
    raise ValueError


def to_boolean(v):
    if type(v) in (int, float):
        return v != 0
    if type(v) is str and v.strip().lower() in TRUE | FALSE:
        return v.strip().lower() in TRUE
    raise ValueError


def to_string(v):
    if type(v) is str:
        return v
    if type(v) is bytes:
        return v.decode("utf-8")
    return str(v)


def to_base64(v):
    return base64.b64encode(v if type(v) is bytes else str(v).encode("utf-8")).decode("ascii")


def to_date_time(v):
    """ISO 8601 text as is (with a T); INTEGER as Unix seconds and REAL as a Julian day, SQLite's conventions."""
    if type(v) is str:
        match = DATE_TIME.match(v.strip())
        if not match:
            raise ValueError
        date, hours, minutes, seconds, fraction, zone = match.groups()
        datetime.date.fromisoformat(date)
        if hours is None:
            return date + "T00:00:00"
        if int(hours) > 23 or int(minutes) > 59 or int(seconds or 0) > 59:
            raise ValueError
        return "%sT%s:%s:%s%s%s" % (date, hours, minutes, seconds or "00", fraction or "", (zone or "").upper())
    if type(v) is int:
        return (UNIX_EPOCH + datetime.timedelta(seconds=v)).isoformat()
    if type(v) is float:
        return (UNIX_EPOCH + datetime.timedelta(milliseconds=round((v - 2440587.5) * 86400000))).isoformat()
    raise ValueError


def to_date(v):
    return to_date_time(v)[:10]


def to_time(v):
    match = TIME.match(v.strip()) if type(v) is str else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59 or int(match.group(3) or 0) > 59:
        raise ValueError
    hours, minutes, seconds, fraction = match.groups()
    return "%s:%s:%s%s" % (hours, minutes, seconds or "00", fraction or "")


def to_any(v):
    if type(v) is bytes:
        return to_base64(v)
    if type(v) is float and not math.isfinite(v):
        raise ValueError
    return v


CONVERTERS = {"integer": to_integer, "number": to_number, "boolean": to_boolean, "string": to_string,
              "binary": to_base64, "date-time": to_date_time, "date": to_date, "time": to_time, "any": to_any}


def record_builder(relation):
    """Turns a row's values into (data, changes): a value that does not fit its column's type is sent as null,
    with a NULLED change in the record's meta and one WARN log per column."""
    converters = [(c.name, CONVERTERS[c.kind], c) for c in relation.columns]
    warned = set()

    def build(values):
        data, changes = {}, None
        for (name, convert, column), value in zip(converters, values):
            if value is not None:
                try:
                    value = convert(value)
                except (ValueError, TypeError, OverflowError):
                    if name not in warned:
                        warned.add(name)
                        log("WARN", "%s.%s: %s value %s is not a valid %s for its declared type %s; sent as null"
                            % (relation.name, name, type(value).__name__, shorten(value), column.kind,
                               column.declared or "(none)"))
                    changes = (changes or []) + [{"field": name, "change": "NULLED",
                                                  "reason": "SOURCE_SERIALIZATION_ERROR"}]
                    value = None
            data[name] = value
        return data, changes

    return build


def shorten(value):
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# --- commands ----------------------------------------------------------------------------------------------------

def cmd_spec(args):
    emit({"type": "SPEC", "spec": SPEC})
    return 0


def cmd_check(args):
    try:
        config = parse_config(load_json(args.config, "config"))
        conn = open_database(config["database_path"])
        relations = describe_relations(conn, config)
    except SourceError as e:
        status = {"status": "FAILED", "message": str(e)}
    except sqlite3.Error as e:
        status = {"status": "FAILED", "message": "the database cannot be read: %s" % e}
    else:
        views = sum(1 for r in relations.values() if r.kind == "view")
        status = {"status": "SUCCEEDED", "message": "%d table(s) and %d view(s) readable in %s"
                  % (len(relations) - views, views, config["database_path"])}
    emit({"type": "CONNECTION_STATUS", "connectionStatus": status})
    return 0


def cmd_discover(args):
    config = parse_config(load_json(args.config, "config"))
    relations = describe_relations(open_database(config["database_path"]), config)
    streams = [airbyte_stream(relation, config["cursor_field"].get(name)) for name, relation in relations.items()]
    emit({"type": "CATALOG", "catalog": {"streams": streams}})
    return 0


def airbyte_stream(relation, cursor):
    stream = {
        "name": relation.name,
        "json_schema": {"$schema": DRAFT_07, "type": "object", "additionalProperties": True,
                        "properties": {c.name: column_schema(c) for c in relation.columns}},
        "supported_sync_modes": ["full_refresh", "incremental"] if cursor else ["full_refresh"],
        "source_defined_cursor": bool(cursor),
        "is_resumable": False,
    }
    if cursor:
        stream["default_cursor_field"] = [cursor]
    if relation.primary_key:
        stream["source_defined_primary_key"] = [[c] for c in relation.primary_key]
    return stream


def cmd_read(args):
    config = parse_config(load_json(args.config, "config"))
    catalog = load_json(args.catalog, "catalog")
    if not isinstance(catalog, dict) or not isinstance(catalog.get("streams"), list):
        raise SourceError("the catalog file %s must hold a configured catalog with a 'streams' list" % args.catalog)
    states = parse_state(load_json(args.state, "state")) if args.state else {}
    conn = open_database(config["database_path"])
    names = list_relations(conn, config["tables"])
    missing = []
    for configured in catalog["streams"]:
        name = ((configured or {}).get("stream") or {}).get("name")
        if name not in names:
            missing.append(str(name))
            continue
        try:
            stream_status(name, "STARTED")
            read_stream(conn, Relation(conn, name, names[name]), config, configured, states.get(name))
            stream_status(name, "COMPLETE")
        except BrokenPipeError:
            raise
        except Exception as e:
            stream_status(name, "INCOMPLETE")
            e.stream_name = name
            raise
    if missing:
        raise SourceError("stream(s) %s are not tables or views being read from %s; discover again to refresh the "
                          "catalog" % (", ".join(missing), config["database_path"]))
    return 0


def cursor_column(relation, config, configured):
    name = config["cursor_field"].get(relation.name)
    chosen = configured.get("cursor_field")
    if not name and isinstance(chosen, list) and len(chosen) == 1 and isinstance(chosen[0], str):
        name = chosen[0]
    if not name:
        raise SourceError("stream %s is read incrementally but has no cursor: set config field 'cursor_field' to "
                          "{\"%s\": \"<column>\"}" % (relation.name, relation.name))
    if relation.column(name) is None:
        raise SourceError("the cursor column %s of %s does not exist (it has: %s)"
                          % (name, relation.name, ", ".join(c.name for c in relation.columns)))
    return name


def read_stream(conn, relation, config, configured, saved_state):
    name, table = relation.name, quote(relation.name)
    where, params, order = [], [], list(relation.key)
    cursor = saved = None
    if configured.get("sync_mode") == "incremental":
        cursor = cursor_column(relation, config, configured)
        saved = (saved_state or {}).get("cursor")
        where.append("%s IS NOT NULL" % quote(cursor))
        if saved is not None:
            where.append("%s >= ?" % quote(cursor))
            params.append(saved)
        order = [quote(cursor)] + order
        if not relation.column(cursor).not_null:
            nulls = conn.execute("SELECT count(*) FROM %s WHERE %s IS NULL" % (table, quote(cursor))).fetchone()[0]
            if nulls:
                log("WARN", "%d row(s) of %s have a NULL %s and are not read incrementally" % (nulls, name, cursor))
    estimate = conn.execute("SELECT count(*) FROM %s%s" % (table, where_clause(where)), params).fetchone()[0]
    trace("ESTIMATE", {"name": name, "type": "STREAM", "row_estimate": estimate})
    stream_status(name, "RUNNING")

    select = "SELECT %s FROM %s" % (", ".join(order + [quote(c.name) for c in relation.columns]), table)
    build = record_builder(relation)
    skip = len(order)
    total, blob = 0, None
    for rows in chunks(conn, select, where, params, order, config["chunk_size"], paged=bool(relation.key)):
        emitted_at = now_ms()
        for row in rows:
            data, changes = build(row[skip:])
            record = {"stream": name, "data": data, "emitted_at": emitted_at}
            if changes:
                record["meta"] = {"changes": changes}
            emit({"type": "RECORD", "record": record})
        total += len(rows)
        blob = {"cursor": cursor_value(rows[-1][0], relation, cursor)} if cursor else {"rows_read": total}
        emit_state(name, blob, len(rows))
    if blob is None:
        # Nothing read: still a state, so that an empty stream is committed too.
        emit_state(name, ({"cursor": saved} if saved is not None else {}) if cursor else {"rows_read": 0}, 0)


def where_clause(conditions):
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def chunks(conn, select, where, params, order, size, paged):
    """Lists of at most `size` rows in `order`. Paged: one query per chunk, resuming after the last row's order
    values (row-value comparison), so no read lock is held between chunks. Else one query, fetched in chunks."""
    order_by = " ORDER BY " + ", ".join(order) if order else ""
    if not paged:
        results = conn.execute(select + where_clause(where) + order_by, params)
        while True:
            rows = results.fetchmany(size)
            if not rows:
                return
            yield rows
    after = None
    while True:
        conditions = where + (["(%s) > (%s)" % (", ".join(order), ", ".join("?" * len(order)))] if after else [])
        sql = "%s%s%s LIMIT %d" % (select, where_clause(conditions), order_by, size)
        rows = conn.execute(sql, params + list(after or [])).fetchall()
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = rows[-1][:len(order)]


def cursor_value(value, relation, cursor):
    if type(value) is bytes:
        raise SourceError("the cursor column %s of %s holds a BLOB, which cannot be saved as a cursor"
                          % (cursor, relation.name))
    return value


# --- entry point -------------------------------------------------------------------------------------------------

def report(error):
    """A TRACE ERROR for the failure; exit code 1."""
    if isinstance(error, SourceError):
        body = {"message": str(error), "failure_type": error.failure_type}
    else:
        transient = isinstance(error, sqlite3.OperationalError) and re.search(r"locked|busy", str(error))
        body = {"message": "%s: %s" % ("SQLite error" if isinstance(error, sqlite3.Error) else type(error).__name__,
                                       error),
                "failure_type": "transient_error" if transient else "system_error",
                "internal_message": repr(error), "stack_trace": traceback.format_exc()}
    if getattr(error, "stream_name", None):
        body["stream_descriptor"] = {"name": error.stream_name}
    trace("ERROR", body)
    return 1


def parse_args(argv):
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true")
    parser = argparse.ArgumentParser(prog="source-sqlite-py", description="Airbyte source for SQLite databases",
                                     parents=[common])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("spec", parents=[common])
    for name in ("check", "discover", "read"):
        command = commands.add_parser(name, parents=[common])
        command.add_argument("--config", required=True)
        if name == "read":
            command.add_argument("--catalog", required=True)
            command.add_argument("--state")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    # Sluice runs a connector in a scratch directory; a relative database_path means where the user ran Sluice.
    caller_dir = os.environ.get("SLUICE_CALLER_DIR")
    if caller_dir:
        os.chdir(caller_dir)
    handler = {"spec": cmd_spec, "check": cmd_check, "discover": cmd_discover, "read": cmd_read}[args.command]
    try:
        return handler(args)
    except BrokenPipeError:
        raise
    except Exception as e:
        return report(e)


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
        OUT.flush()
    except BrokenPipeError:
        # The reader went away: send what is still buffered to /dev/null so that the exit is quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
