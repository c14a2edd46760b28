// Owns decoding pgoutput (protocol version 1) messages, as pg_logical_slot_peek_binary_changes returns them:
// Begin, Commit, Relation, Insert, Update, Delete and Truncate; other kinds (Origin, Type, Message) are skipped.
// Tuple values arrive in PostgreSQL's text form; an unchanged TOASTed value (not sent) is marked `unchanged`.

export interface RelationColumn {
  name: string;
  typeOid: number;
  key: boolean;
}

export interface Relation {
  id: number;
  schema: string;
  name: string;
  columns: RelationColumn[];
}

/** One column of a tuple: its text, null, or a TOASTed value that did not change and was not sent. */
export type TupleValue = string | null | { unchanged: true };

export type PgOutputMessage =
  | { tag: 'begin'; finalLsn: bigint; commitTime: Date; xid: number }
  | { tag: 'commit'; commitLsn: bigint; endLsn: bigint; commitTime: Date }
  | { tag: 'relation'; relation: Relation }
  | { tag: 'insert'; relationId: number; tuple: TupleValue[] }
  | { tag: 'update'; relationId: number; tuple: TupleValue[]; old?: TupleValue[] }
  | { tag: 'delete'; relationId: number; old: TupleValue[] }
  | { tag: 'truncate'; relationIds: number[] }
  | { tag: 'other'; kind: string };

/** Microseconds from the Unix epoch to PostgreSQL's epoch (2000-01-01). */
const PG_EPOCH_US = 946_684_800_000_000n;

class Reader {
  offset = 0;
  constructor(readonly buffer: Buffer) {}
  byte(): number {
    return this.buffer[this.offset++]!;
  }
  int16(): number {
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  uint32(): number {
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  int64(): bigint {
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }
  time(): Date {
    return new Date(Number((this.int64() + PG_EPOCH_US) / 1000n));
  }
  string(): string {
    const end = this.buffer.indexOf(0, this.offset);
    const value = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }
  tuple(): TupleValue[] {
    const count = this.int16();
    const values: TupleValue[] = [];
    for (let i = 0; i < count; i++) {
      const kind = String.fromCharCode(this.byte());
      if (kind === 'n') values.push(null);
      else if (kind === 'u') values.push({ unchanged: true });
      else {
        const length = this.int32();
        values.push(this.buffer.toString('utf8', this.offset, this.offset + length));
        this.offset += length;
      }
    }
    return values;
  }
}

export function decodePgOutput(data: Buffer): PgOutputMessage {
  const reader = new Reader(data);
  const kind = String.fromCharCode(reader.byte());
  switch (kind) {
    case 'B':
      return { tag: 'begin', finalLsn: reader.int64(), commitTime: reader.time(), xid: reader.int32() };
    case 'C': {
      reader.byte(); // flags
      return { tag: 'commit', commitLsn: reader.int64(), endLsn: reader.int64(), commitTime: reader.time() };
    }
    case 'R': {
      const id = reader.uint32();
      const schema = reader.string();
      const name = reader.string();
      reader.byte(); // replica identity setting
      const count = reader.int16();
      const columns: RelationColumn[] = [];
      for (let i = 0; i < count; i++) {
        const flags = reader.byte();
        const columnName = reader.string();
        const typeOid = reader.uint32();
        reader.int32(); // type modifier
        columns.push({ name: columnName, typeOid, key: (flags & 1) === 1 });
      }
      return { tag: 'relation', relation: { id, schema: schema === '' ? 'pg_catalog' : schema, name, columns } };
    }
    case 'I': {
      const relationId = reader.uint32();
      reader.byte(); // 'N'
      return { tag: 'insert', relationId, tuple: reader.tuple() };
    }
    case 'U': {
      const relationId = reader.uint32();
      let marker = String.fromCharCode(reader.byte());
      let old: TupleValue[] | undefined;
      if (marker === 'K' || marker === 'O') {
        old = reader.tuple();
        marker = String.fromCharCode(reader.byte());
      }
      return { tag: 'update', relationId, tuple: reader.tuple(), ...(old ? { old } : {}) };
    }
    case 'D': {
      const relationId = reader.uint32();
      reader.byte(); // 'K' or 'O'
      return { tag: 'delete', relationId, old: reader.tuple() };
    }
    case 'T': {
      const count = reader.int32();
      reader.byte(); // options
      const relationIds: number[] = [];
      for (let i = 0; i < count; i++) relationIds.push(reader.uint32());
      return { tag: 'truncate', relationIds };
    }
    default:
      return { tag: 'other', kind };
  }
}

/** `16/B374D848` as a number of bytes (exact below 2^53, i.e. for the first 8 PiB of WAL). */
export function lsnToNumber(lsn: string): number {
  const [high, low] = lsn.split('/');
  return parseInt(high!, 16) * 2 ** 32 + parseInt(low!, 16);
}

export function lsnToText(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** `16/B374D848` as a bigint. */
export function lsnToBigint(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}
