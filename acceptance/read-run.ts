// Owns one `read` of the source under test, summarised as it streams: records per stream, the emitted_at
// range, every STATE in order, and each record handed to the caller's checks (records are not kept).
import { streamKey } from '../protocol/state.js';
import type { AirbyteRecordMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../protocol/types.generated.js';
import { runCommand, type RunOutcome, type RunTarget } from './connector-run.js';
import { showValue, valueAtPath } from './cursor-values.js';

export interface ReadSummary extends RunOutcome {
  records: number;
  /** Records per stream key (see streamKey), configured streams first, each from 0. */
  perStream: Map<string, number>;
  /** Records for streams the catalog does not configure, by stream key. */
  unconfigured: Map<string, number>;
  states: AirbyteStateMessage[];
  minEmittedAt?: number;
  maxEmittedAt?: number;
}

export async function readSource(
  target: RunTarget,
  files: { config: unknown; catalog: ConfiguredAirbyteCatalog; state?: unknown },
  onRecord: (record: AirbyteRecordMessage) => void = () => undefined,
  options: { exactNumbers?: boolean } = {},
): Promise<ReadSummary> {
  const perStream = new Map(files.catalog.streams.map((configured) => [streamKey(configured.stream), 0]));
  const summary: Omit<ReadSummary, keyof RunOutcome> = { records: 0, perStream, unconfigured: new Map(), states: [] };
  const outcome = await runCommand(target, {
    command: 'read',
    files,
    exactNumbers: options.exactNumbers,
    onMessage: (message) => {
      if (message.type === 'STATE' && message.state) summary.states.push(message.state);
      if (message.type !== 'RECORD' || !message.record) return;
      const record = message.record;
      const key = recordStreamKey(record);
      const counts = perStream.has(key) ? perStream : summary.unconfigured;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      summary.records++;
      noteEmittedAt(summary, record.emitted_at);
      onRecord(record);
    },
  });
  return { ...outcome, ...summary };
}

function noteEmittedAt(summary: Omit<ReadSummary, keyof RunOutcome>, emittedAt: unknown): void {
  if (typeof emittedAt !== 'number') return;
  summary.minEmittedAt = Math.min(summary.minEmittedAt ?? emittedAt, emittedAt);
  summary.maxEmittedAt = Math.max(summary.maxEmittedAt ?? emittedAt, emittedAt);
}

/** The stream key (see streamKey) of the stream a record belongs to. */
export function recordStreamKey(record: AirbyteRecordMessage): string {
  return streamKey({ name: record.stream, namespace: record.namespace });
}

/** "users 50, products 5": the per-stream counts of a summary. */
export function describeCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts].map(([key, count]) => `${key.replace('\u0000', '.')} ${count}`).join(', ');
}

/** "users record 3 (id=3)": which record, by its place in its stream and its primary key. */
export function describeRecord(record: AirbyteRecordMessage, ordinal: number, primaryKey: string[][] | undefined): string {
  const stream = record.namespace ? `${record.namespace}.${record.stream}` : record.stream;
  const key = primaryKey?.map((path) => `${path.join('.')}=${showValue(valueAtPath(record.data, path))}`).join(', ');
  return `${stream} record ${ordinal}${key ? ` (${key})` : ''}`;
}
