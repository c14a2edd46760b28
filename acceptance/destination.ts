// Owns the destination suite: a `write` of a few records of a one-stream catalog ({id integer, name string})
// followed by a STATE; the destination must exit 0 and echo that STATE back.
import { isDeepStrictEqual } from 'node:util';
import type {
  AirbyteStateMessage,
  ConfiguredAirbyteCatalog,
  ConnectorSpecification,
  DestinationSyncMode,
} from '../protocol/types.generated.js';
import { describeFailure, runCommand, type RunTarget } from './connector-run.js';
import { fail, pass, type TestResult } from './results.js';
import { stringifyExactJson } from '../protocol/exact-json.js';

export const ACCEPTANCE_STREAM = 'sluice_acceptance';
const RECORDS = [
  { id: 1, name: 'Ada' },
  { id: 2, name: 'Grace' },
  { id: 3, name: 'Edsger' },
];

export async function checkWrite(target: RunTarget, config: unknown, spec: ConnectorSpecification | undefined): Promise<TestResult> {
  const name = 'destination.write';
  const mode = syncModeFor(spec);
  const catalog: ConfiguredAirbyteCatalog = {
    streams: [
      {
        stream: {
          name: ACCEPTANCE_STREAM,
          json_schema: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } },
          supported_sync_modes: ['full_refresh'],
          source_defined_primary_key: [['id']],
        },
        sync_mode: 'full_refresh',
        destination_sync_mode: mode,
        ...(mode === 'append_dedup' ? { primary_key: [['id']] } : {}),
      },
    ],
  };
  const emittedAt = Date.now();
  const state: AirbyteStateMessage = {
    type: 'STREAM',
    stream: { stream_descriptor: { name: ACCEPTANCE_STREAM }, stream_state: { id: RECORDS.length } },
    sourceStats: { recordCount: RECORDS.length },
  };
  const input = [
    ...RECORDS.map((data) => JSON.stringify({ type: 'RECORD', record: { stream: ACCEPTANCE_STREAM, data, emitted_at: emittedAt } })),
    JSON.stringify({ type: 'STATE', state }),
  ];
  const echoed: AirbyteStateMessage[] = [];
  const outcome = await runCommand(target, {
    command: 'write',
    files: { config, catalog },
    input,
    onMessage: (message) => {
      if (message.type === 'STATE' && message.state) echoed.push(message.state);
    },
  });
  const written = `${RECORDS.length} records and 1 STATE (${mode})`;
  if (outcome.failure) return fail(name, `after ${written}: ${describeFailure(outcome.failure, target.redact)}`);
  if (echoed.length === 0) return fail(name, `after ${written} the destination exited 0 without echoing the STATE`);
  const same = echoed.some((message) => message.type === state.type && isDeepStrictEqual(message.stream?.stream_state, state.stream?.stream_state));
  if (!same) return fail(name, `after ${written} the destination echoed a different STATE: ${target.redact(stringifyExactJson(echoed[0])).slice(0, 200)}`);
  return pass(name, `${written} written; the STATE was echoed and the destination exited 0`);
}

/** The mode the write uses: append when the destination offers it, else the first mode it declares. */
function syncModeFor(spec: ConnectorSpecification | undefined): DestinationSyncMode {
  const modes = spec?.supported_destination_sync_modes ?? [];
  if (modes.length === 0 || modes.includes('append')) return 'append';
  return modes.includes('overwrite') ? 'overwrite' : modes[0]!;
}
