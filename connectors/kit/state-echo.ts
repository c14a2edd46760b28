// Owns the destination side of the commit rule, for every destination written with the kit: a STATE is echoed only
// after the commit that makes durable every record received before it (`StateEchoes.commit` runs that commit, then
// hands back the echo lines, in the order the states came). Each echo is the line exactly as it was received, with
// `destinationStats` set (spliced into the text, so the state's own numbers — cursors, LSNs, offsets beyond 2^53 —
// keep every digit): recordCount is the records a STATE covers, a per-stream STATE its own stream's since that
// stream's last STATE, a GLOBAL or LEGACY one every stream's since the last STATE.
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

/**
 * STATEs received and not yet echoed, each with the records it covers and whatever the destination keeps with it
 * (`Held`, e.g. what its commit must record about the state).
 */
export class StateEchoes<Held = undefined> {
  readonly #counts = new RecordCounts();
  #held: Array<{ line: string; records: number; held: Held }> = [];

  /** `n` records of the stream with this streamKey were received. */
  record(stream: string, n = 1): void {
    this.#counts.add(stream, n);
  }

  /** A STATE was received (`line`, parsed as `message`): it waits for the next commit. */
  hold(message: AirbyteMessage, line: string, held: Held): void {
    this.#held.push({ line, records: this.#counts.take(stateStream(message)), held });
  }

  get size(): number {
    return this.#held.length;
  }

  /**
   * Runs `commit`, which must make every record received so far durable (it gets what was held with each state,
   * in order), and only then returns the held states' echo lines, in order, forgetting them. If `commit` throws,
   * nothing is echoed.
   */
  async commit(commit: (held: Held[]) => Promise<void>): Promise<string[]> {
    // Taken first: a state held while the commit runs was not covered by it and waits for the next one.
    const states = this.#held;
    this.#held = [];
    await commit(states.map((state) => state.held));
    return states.map((state) => echoStateLine(state.line, state.records));
  }
}

