// Tests the protocol JSON Schema and the validators built on it: real messages pass in any shape the protocol
// allows, and broken ones are reported with the exact pointer and message.
import { describe, expect, it } from 'vitest';
import {
  formatIssues,
  validateAgainstSchema,
  validateDefinition,
  validateMessage,
  type ValidationIssue,
} from '../../protocol/validators.js';

type Json = Record<string, unknown>;

const streamSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: {
    id: { type: 'integer' },
    email: { type: ['null', 'string'] },
    updated_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
  },
};

const usersStream = {
  name: 'users',
  namespace: 'public',
  json_schema: streamSchema,
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['updated_at'],
  source_defined_primary_key: [['id']],
  is_resumable: true,
};

/** One realistic message of each of the nine types. */
const messages: Record<string, Json> = {
  RECORD: {
    type: 'RECORD',
    record: {
      stream: 'users',
      namespace: 'public',
      data: { id: 7, email: 'ada@example.com', updated_at: '2024-05-01T10:00:00Z' },
      emitted_at: 1714557600000,
      meta: { changes: [{ field: 'bio', change: 'TRUNCATED', reason: 'SOURCE_FIELD_SIZE_LIMITATION' }] },
      file_reference: { staging_file_url: '/staging/files/a.csv', source_file_relative_path: 'a.csv', file_size_bytes: 12 },
    },
  },
  STATE: {
    type: 'STATE',
    state: {
      type: 'GLOBAL',
      global: {
        shared_state: { lsn: 123456 },
        stream_states: [
          { stream_descriptor: { name: 'users', namespace: 'public' }, stream_state: { updated_at: '2024-05-01' } },
          { stream_descriptor: { name: 'orders' } },
        ],
      },
      sourceStats: { recordCount: 42.0 },
      destinationStats: { recordCount: 41.0, rejectedRecordCount: 1.0 },
    },
  },
  LOG: { type: 'LOG', log: { level: 'WARN', message: 'retrying in 5s', stack_trace: 'Error: at line 1' } },
  SPEC: {
    type: 'SPEC',
    spec: {
      documentationUrl: 'https://example.com/docs/source-demo',
      changelogUrl: 'https://example.com/changelog',
      protocol_version: '0.5.2',
      supportsIncremental: true,
      supportsNormalization: false,
      supportsDBT: false,
      supported_destination_sync_modes: ['append', 'overwrite', 'append_dedup', 'update', 'soft_delete'],
      connectionSpecification: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        required: ['api_key'],
        properties: { api_key: { type: 'string', airbyte_secret: true } },
      },
      advanced_auth: {
        auth_flow_type: 'oauth2.0',
        predicate_key: ['credentials', 'auth_type'],
        predicate_value: 'oauth2',
        oauth_config_specification: {
          oauth_connector_input_specification: {
            consent_url: 'https://auth.example.com/authorize?{{client_id_key}}={{client_id_value}}',
            access_token_url: 'https://auth.example.com/token',
            extract_output: ['access_token', 'refresh_token'],
          },
          complete_oauth_output_specification: { type: 'object', properties: {} },
        },
      },
    },
  },
  CONNECTION_STATUS: { type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: 'bad api key' } },
  CATALOG: { type: 'CATALOG', catalog: { streams: [usersStream, { name: 'orders', json_schema: {}, supported_sync_modes: ['full_refresh'] }] } },
  TRACE: {
    type: 'TRACE',
    trace: {
      type: 'STREAM_STATUS',
      emitted_at: 1714557600000.25,
      stream_status: {
        stream_descriptor: { name: 'users', namespace: 'public' },
        status: 'RUNNING',
        reasons: [{ type: 'RATE_LIMITED', rate_limited: { quota_reset: 1714557660000 } }],
      },
    },
  },
  CONTROL: {
    type: 'CONTROL',
    control: { type: 'CONNECTOR_CONFIG', emitted_at: 1714557600000.5, connectorConfig: { config: { api_key: 'new' } } },
  },
  DESTINATION_CATALOG: {
    type: 'DESTINATION_CATALOG',
    destination_catalog: {
      operations: [
        { object_name: 'Contact', sync_mode: 'update', json_schema: { type: 'object' }, matching_keys: [['email']] },
        { object_name: 'Contact', sync_mode: 'soft_delete', json_schema: { type: 'object' } },
      ],
    },
  },
};

const otherTraces: Json[] = [
  {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: 1714557600000,
      error: {
        message: 'Something went wrong',
        internal_message: 'KeyError: id',
        stack_trace: 'Traceback…',
        failure_type: 'transient_error',
        stream_descriptor: { name: 'users' },
      },
    },
  },
  {
    type: 'TRACE',
    trace: { type: 'ESTIMATE', emitted_at: 1, estimate: { name: 'users', type: 'STREAM', row_estimate: 10, byte_estimate: 999 } },
  },
  { type: 'TRACE', trace: { type: 'ANALYTICS', emitted_at: 1, analytics: { type: 'cursor-indexed', value: '2' } } },
];

/** The same value with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reversedKeys(inner)]));
}

/** The same value with an unknown field added to every object, at every depth. */
function withUnknownFields(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((item) => withUnknownFields(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([key, inner]) => [key, withUnknownFields(inner, depth + 1)]);
  return Object.fromEntries([[`x_future_field_${depth}`, { nested: [depth] }], ...entries]);
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

const issue = (pointer: string, message: string): ValidationIssue => ({ pointer, message });

describe('validateMessage: valid messages', () => {
  it.each(Object.entries(messages))('accepts a realistic %s message', (_type, message) => {
    expect(validateMessage(message)).toEqual([]);
  });

  it.each(Object.entries(messages))('accepts a %s message with its keys in any order', (_type, message) => {
    expect(validateMessage(reversedKeys(message))).toEqual([]);
  });

  it.each(Object.entries(messages))('accepts a %s message with unknown fields at every level', (_type, message) => {
    const extended = withUnknownFields(message) as Json;
    expect(JSON.stringify(extended)).toContain('x_future_field_1');
    expect(validateMessage(extended)).toEqual([]);
  });

  it.each(otherTraces)('accepts the other trace kinds (%#)', (message) => {
    expect(validateMessage(message)).toEqual([]);
    expect(validateMessage(withUnknownFields(reversedKeys(message)))).toEqual([]);
  });

  it('accepts the minimal forms', () => {
    expect(validateMessage({ type: 'STATE', state: {} })).toEqual([]);
    expect(validateMessage({ type: 'STATE', state: { data: { cursor: 1 } } })).toEqual([]);
    expect(validateMessage({ type: 'RECORD', record: { stream: 's', data: {}, emitted_at: 0 } })).toEqual([]);
    expect(validateMessage({ type: 'SPEC', spec: { connectionSpecification: {} } })).toEqual([]);
  });

  it('tolerates null in the payload fields that do not match the type', () => {
    const message = { ...messages['LOG'], record: null, state: null, connectionStatus: null };
    expect(validateMessage(message)).toEqual([]);
  });
});

describe('validateMessage: invalid messages', () => {
  it('rejects values that are not objects', () => {
    expect(validateMessage('{"type":"LOG"}')).toEqual([issue('/', 'must be object')]);
    expect(validateMessage(null)).toEqual([issue('/', 'must be object')]);
    expect(validateMessage([messages['LOG']])).toEqual([issue('/', 'must be object')]);
  });

  it('requires a known type', () => {
    expect(validateMessage({ log: { level: 'INFO', message: 'hi' } })).toEqual([issue('/type', 'is required')]);
    expect(validateMessage({ type: 'toString' })).toHaveLength(1);
    expect(validateMessage({ type: 'HEARTBEAT' })).toEqual([
      issue('/type', 'must be one of: RECORD, STATE, LOG, SPEC, CONNECTION_STATUS, CATALOG, TRACE, CONTROL, DESTINATION_CATALOG'),
    ]);
  });

  it('requires the payload the type names', () => {
    expect(validateMessage({ type: 'RECORD' })).toEqual([issue('/record', 'is required')]);
    expect(validateMessage({ type: 'CONNECTION_STATUS', connection_status: { status: 'SUCCEEDED' } })).toEqual([
      issue('/connectionStatus', 'is required'),
    ]);
    expect(validateMessage({ type: 'RECORD', record: null })).toEqual([issue('/record', 'must be object')]);
  });

  it('reports a missing record field at the field', () => {
    const message = clone(messages['RECORD']) as { record: Json };
    delete message.record['stream'];
    expect(validateMessage(message)).toEqual([issue('/record/stream', 'is required')]);
  });

  it('wants an integer record emitted_at', () => {
    const asString = clone(messages['RECORD']) as { record: Json };
    asString.record['emitted_at'] = '1714557600000';
    expect(validateMessage(asString)).toEqual([issue('/record/emitted_at', 'must be integer')]);
    const withFraction = clone(messages['RECORD']) as { record: Json };
    withFraction.record['emitted_at'] = 1714557600000.5;
    expect(validateMessage(withFraction)).toEqual([issue('/record/emitted_at', 'must be integer')]);
  });

  it('wants record data to be an object', () => {
    const message = clone(messages['RECORD']) as { record: Json };
    message.record['data'] = [1, 2];
    expect(validateMessage(message)).toEqual([issue('/record/data', 'must be object')]);
  });

  it('checks record meta changes', () => {
    const message = clone(messages['RECORD']) as { record: { meta: { changes: Json[] } } };
    message.record.meta.changes[0] = { field: 'bio', change: 'DROPPED' };
    expect(validateMessage(message)).toEqual([
      issue('/record/meta/changes/0/reason', 'is required'),
      issue('/record/meta/changes/0/change', 'must be one of: NULLED, TRUNCATED'),
    ]);
  });

  it('checks state messages', () => {
    expect(validateMessage({ type: 'STATE', state: { type: 'PER_STREAM' } })).toEqual([
      issue('/state/type', 'must be one of: GLOBAL, STREAM, LEGACY'),
    ]);
    expect(validateMessage({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { namespace: 'x' } } } })).toEqual(
      [issue('/state/stream/stream_descriptor/name', 'is required')],
    );
    expect(validateMessage({ type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: {} } } })).toEqual([
      issue('/state/global/stream_states', 'is required'),
    ]);
    expect(validateMessage({ type: 'STATE', state: { sourceStats: { recordCount: '3' } } })).toEqual([
      issue('/state/sourceStats/recordCount', 'must be number'),
    ]);
  });

  it('checks log, trace and control messages', () => {
    expect(validateMessage({ type: 'LOG', log: { level: 'NOTICE', message: 'x' } })).toEqual([
      issue('/log/level', 'must be one of: FATAL, ERROR, WARN, INFO, DEBUG, TRACE'),
    ]);
    expect(validateMessage({ type: 'TRACE', trace: { type: 'ERROR', error: { failure_type: 'oops' } } })).toEqual([
      issue('/trace/emitted_at', 'is required'),
      issue('/trace/error/message', 'is required'),
      issue('/trace/error/failure_type', 'must be one of: system_error, config_error, transient_error'),
    ]);
    expect(
      validateMessage({
        type: 'TRACE',
        trace: { type: 'STREAM_STATUS', emitted_at: 1, stream_status: { stream_descriptor: { name: 'a' }, status: 'DONE' } },
      }),
    ).toEqual([issue('/trace/stream_status/status', 'must be one of: STARTED, RUNNING, COMPLETE, INCOMPLETE')]);
    expect(validateMessage({ type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: 1, connectorConfig: {} } })).toEqual([
      issue('/control/connectorConfig/config', 'is required'),
    ]);
  });

  it('checks connection status, spec, catalog and destination catalog messages', () => {
    expect(validateMessage({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'OK' } })).toEqual([
      issue('/connectionStatus/status', 'must be one of: SUCCEEDED, FAILED'),
    ]);
    expect(validateMessage({ type: 'SPEC', spec: { documentationUrl: 'not a url' } })).toEqual([
      issue('/spec/connectionSpecification', 'is required'),
      issue('/spec/documentationUrl', 'must be a valid uri'),
    ]);
    expect(validateMessage({ type: 'CATALOG', catalog: { streams: [{ name: 'a', json_schema: {}, supported_sync_modes: [] }] } })).toEqual([
      issue('/catalog/streams/0/supported_sync_modes', 'must NOT have fewer than 1 items'),
    ]);
    expect(
      validateMessage({
        type: 'DESTINATION_CATALOG',
        destination_catalog: { operations: [{ object_name: 'Contact', sync_mode: 'upsert', json_schema: {} }] },
      }),
    ).toEqual([
      issue('/destination_catalog/operations/0/sync_mode', 'must be one of: append, overwrite, append_dedup, update, soft_delete'),
    ]);
  });
});

describe('validateDefinition: ConfiguredAirbyteCatalog', () => {
  const configured = {
    streams: [
      {
        stream: usersStream,
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
        cursor_field: ['updated_at'],
        primary_key: [['id']],
        generation_id: 3,
        minimum_generation_id: 0,
        sync_id: 17,
      },
      { stream: { name: 'orders', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
    ],
  };

  it('accepts a realistic catalog, reordered and with unknown fields', () => {
    expect(validateDefinition('ConfiguredAirbyteCatalog', configured)).toEqual([]);
    expect(validateDefinition('ConfiguredAirbyteCatalog', withUnknownFields(reversedKeys(configured)))).toEqual([]);
  });

  it('points at the field that is wrong', () => {
    const broken = clone(configured) as { streams: Json[] };
    (broken.streams[0] as Json)['sync_mode'] = 'cdc';
    (broken.streams[1] as Json)['destination_sync_mode'] = 'overwrite_dedup';
    (broken.streams[0] as Json)['primary_key'] = ['id'];
    delete ((broken.streams[1] as Json)['stream'] as Json)['json_schema'];
    expect(validateDefinition('ConfiguredAirbyteCatalog', broken)).toEqual([
      issue('/streams/0/sync_mode', 'must be one of: full_refresh, incremental'),
      issue('/streams/0/primary_key/0', 'must be array'),
      issue('/streams/1/stream/json_schema', 'is required'),
      issue('/streams/1/destination_sync_mode', 'must be one of: append, overwrite, append_dedup, update, soft_delete'),
    ]);
  });

  it('reports missing required fields of a stream at the fields', () => {
    expect(validateDefinition('ConfiguredAirbyteCatalog', { streams: [{ stream: usersStream }] })).toEqual([
      issue('/streams/0/sync_mode', 'is required'),
      issue('/streams/0/destination_sync_mode', 'is required'),
    ]);
    expect(validateDefinition('ConfiguredAirbyteCatalog', {})).toEqual([issue('/streams', 'is required')]);
    expect(validateDefinition('ConfiguredAirbyteCatalog', { streams: {} })).toEqual([issue('/streams', 'must be array')]);
  });
});

describe('validateDefinition: other definitions', () => {
  it('checks any definition by name', () => {
    expect(validateDefinition('AirbyteCatalog', messages['CATALOG']?.['catalog'])).toEqual([]);
    expect(validateDefinition('ConnectorSpecification', messages['SPEC']?.['spec'])).toEqual([]);
    expect(validateDefinition('AirbyteStateMessage', messages['STATE']?.['state'])).toEqual([]);
    expect(validateDefinition('SyncMode', 'incremental')).toEqual([]);
    expect(validateDefinition('DestinationSyncMode', 'overwrite_dedup')).toEqual([
      issue('/', 'must be one of: append, overwrite, append_dedup, update, soft_delete'),
    ]);
    expect(validateDefinition('AirbyteStream', { name: 1, json_schema: {}, supported_sync_modes: ['full_refresh'] })).toEqual([
      issue('/name', 'must be string'),
    ]);
  });

  it('throws for a name the schema does not define', () => {
    expect(() => validateDefinition('NoSuchThing' as never, {})).toThrow(/no definition named NoSuchThing/);
  });
});

describe('validateAgainstSchema', () => {
  const spec = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    required: ['host', 'port'],
    additionalProperties: false,
    properties: {
      host: { type: 'string', order: 0 },
      port: { type: 'integer', minimum: 1, maximum: 65535, order: 1 },
      start_date: { type: 'string', format: 'date', pattern: '^[0-9]{4}\\-[0-9]{2}\\-[0-9]{2}$' },
      mode: { type: 'string', enum: ['fast', 'safe'] },
      credentials: {
        type: 'object',
        oneOf: [
          {
            title: 'OAuth',
            required: ['auth_type', 'client_id'],
            properties: { auth_type: { type: 'string', const: 'oauth2' }, client_id: { type: 'string' } },
          },
          {
            title: 'API key',
            required: ['auth_type', 'api_key'],
            properties: { auth_type: { type: 'string', const: 'api_key' }, api_key: { type: 'string', airbyte_secret: true } },
          },
        ],
      },
    },
  };

  it('accepts a valid config, ignoring unknown keywords', () => {
    const config = { host: 'db', port: 5432, start_date: '2024-01-31', mode: 'safe', credentials: { auth_type: 'api_key', api_key: 'k' } };
    expect(validateAgainstSchema(spec, config)).toEqual([]);
  });

  it('formats issues on one line', () => {
    const issues = validateAgainstSchema(spec, { port: '5432' });
    expect(issues).toEqual([issue('/host', 'is required'), issue('/port', 'must be integer')]);
    expect(formatIssues(issues, 'config.json')).toBe('config.json: /host is required; /port must be integer');
  });

  it('explains enums, formats, ranges and unknown properties', () => {
    expect(validateAgainstSchema(spec, { host: 'db', port: 0, start_date: '2024-02-30', mode: 'turbo', prot: 1 })).toEqual([
      issue('/prot', 'is not allowed'),
      issue('/port', 'must be >= 1'),
      issue('/start_date', 'must be a valid date'),
      issue('/mode', 'must be one of: fast, safe'),
    ]);
  });

  it('reports the oneOf branch the value meant', () => {
    expect(validateAgainstSchema(spec, { host: 'db', port: 1, credentials: { auth_type: 'api_key' } })).toEqual([
      issue('/credentials/api_key', 'is required'),
    ]);
    expect(validateAgainstSchema(spec, { host: 'db', port: 1, credentials: { auth_type: 'basic' } })).toEqual([
      issue('/credentials/auth_type', 'must be one of: oauth2, api_key'),
    ]);
    const either = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
    expect(validateAgainstSchema(either, true)).toEqual([issue('/', 'must be string or integer')]);
  });

  it('escapes property names in pointers', () => {
    expect(validateAgainstSchema({ type: 'object', required: ['a/b', 'c~d'] }, {})).toEqual([
      issue('/a~1b', 'is required'),
      issue('/c~0d', 'is required'),
    ]);
  });

  it('checks records against a stream schema, with or without a time zone on timestamps', () => {
    const schema = {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
        tz: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
        t: { type: 'string', format: 'time', airbyte_type: 'time_without_timezone' },
      },
    };
    expect(validateAgainstSchema(schema, { id: 1, at: '2024-05-01T10:00:00', tz: '2024-05-01T10:00:00+02:00', t: '10:00:00' })).toEqual([]);
    expect(validateAgainstSchema(schema, { id: 1.5, at: 'yesterday' })).toEqual([
      issue('/id', 'must be integer'),
      issue('/at', 'must be a valid date-time'),
    ]);
  });

  it('accepts schemas that declare another draft or repeat an $id', () => {
    const draft4 = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['a'] };
    expect(validateAgainstSchema(draft4, {})).toEqual([issue('/a', 'is required')]);
    const first = { $id: 'http://example.com/stream.json', type: 'object', required: ['x'] };
    const second = { $id: 'http://example.com/stream.json', type: 'object', required: ['y'] };
    expect(validateAgainstSchema(first, {})).toEqual([issue('/x', 'is required')]);
    expect(validateAgainstSchema(second, {})).toEqual([issue('/y', 'is required')]);
  });

  it('caches by schema object, so the same object gives the same answer cheaply', () => {
    const schema = { type: 'object', required: ['z'] };
    expect(validateAgainstSchema(schema, {})).toEqual([issue('/z', 'is required')]);
    expect(validateAgainstSchema(schema, { z: 1 })).toEqual([]);
  });

  it('reports a schema that cannot be compiled as one issue instead of throwing', () => {
    const issues = validateAgainstSchema({ type: 'object', properties: { a: { type: 'text' } } }, {});
    expect(issues).toHaveLength(1);
    expect(issues[0]?.pointer).toBe('/');
    expect(issues[0]?.message).toMatch(/^cannot be checked: the schema is invalid \(/);
  });
});
