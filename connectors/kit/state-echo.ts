// Owns echoing a STATE: the line exactly as it was received, with `destinationStats` set (spliced into the text, so
// the state's own numbers — cursors, LSNs, offsets beyond 2^53 — keep every digit). Also which records a STATE
// covers: a per-stream STATE its own stream's, a GLOBAL or LEGACY one every stream's.
import { streamKey } from '../../protocol/state.js';
import type { AirbyteMessage } from '../../protocol/types.generated.js';
import { forEachMember, keyIs } from './record-scan.js';

/** The stream a per-stream STATE belongs to (its streamKey), or undefined for a GLOBAL or LEGACY state. */
export function stateStream(message: AirbyteMessage): string | undefined {
  const state = message.state;
  const descriptor = state?.type === 'STREAM' ? state.stream?.stream_descriptor : undefined;
  return descriptor ? streamKey(descriptor) : undefined;
}

/** The STATE line to echo: `line` (a parsed, valid STATE message) exactly, but for destinationStats. */
export function echoStateLine(line: string, recordCount: number): string {
  let stateStart = -1;
  let stateEnd = -1;
  forEachMember(line, 0, (ks, ke, vs, ve) => {
    if (keyIs(line, ks, ke, '"state"')) [stateStart, stateEnd] = [vs, ve];
  });
  let statsStart = -1;
  let statsEnd = -1;
  let members = 0;
  forEachMember(line, stateStart, (ks, ke, vs, ve) => {
    members++;
    if (keyIs(line, ks, ke, '"destinationStats"')) [statsStart, statsEnd] = [vs, ve];
  });
  const stats = `{"recordCount":${recordCount}}`;
  if (statsStart >= 0) return line.slice(0, statsStart) + stats + line.slice(statsEnd);
  const close = stateEnd - 1;
  return `${line.slice(0, close)}${members > 0 ? ',' : ''}"destinationStats":${stats}${line.slice(close)}`;
}

/** Counts records per stream since the last STATE that covered them. */
export class RecordCounts {
  readonly #counts = new Map<string, number>();
  /** Records mostly come in runs of one stream: the run's count is kept aside and folded in when the stream changes. */
  #runKey: string | undefined;
  #run = 0;

  add(key: string, n = 1): void {
    if (key === this.#runKey) {
      this.#run += n;
      return;
    }
    this.#fold();
    this.#runKey = key;
    this.#run = n;
  }

  #fold(): void {
    if (this.#runKey !== undefined && this.#run > 0) this.#counts.set(this.#runKey, (this.#counts.get(this.#runKey) ?? 0) + this.#run);
    this.#runKey = undefined;
    this.#run = 0;
  }

  /** The records a STATE covers (its stream's, or all for undefined), forgotten once taken. */
  take(key: string | undefined): number {
    this.#fold();
    if (key !== undefined) {
      const n = this.#counts.get(key) ?? 0;
      this.#counts.delete(key);
      return n;
    }
    let total = 0;
    for (const n of this.#counts.values()) total += n;
    this.#counts.clear();
    return total;
  }
}
