// Owns the numbers of a sync: records and bytes emitted and committed per stream, records a mapper's filter dropped,
// states, estimates, stream statuses, and the summary printed at the end.
import type { StreamCounts } from './commit/ledger.js';

export interface StreamStats {
  stream: string;
  recordsEmitted: number;
  bytesEmitted: number;
  recordsCommitted: number;
  bytesCommitted: number;
  /** Records a mapper's filter dropped (counted in recordsEmitted; the destination never got them). */
  recordsFiltered: number;
  status?: string;
  rowEstimate?: number;
}

/**
 * The live figures of a following sync (a continuous connection, `sluice sync --follow`): where the source is, how far
 * behind the destination's commits are, and how fast changes are committed. Lag is the wall clock at a commit minus
 * the source time the committed state is complete up to (the source's `sourceProgress.sourceTime`).
 */
export interface FollowStats {
  /** The source position of the last committed state (source-postgres: its LSN). */
  position?: string;
  /** The source time the last committed state is complete up to (ISO 8601). */
  sourceTime?: string;
  /** Lag at the last commit, in milliseconds. */
  lagMs?: number;
  /** Records committed per second over the last few seconds. */
  changesPerSecond: number;
  /** When the last state was committed (ms since the epoch). */
  lastCommitAt?: number;
  /** Attempts restarted after a failure or a source that ended. */
  restarts: number;
  /** Per stream: the lag at the last commit that covered records of that stream. */
  streams: Record<string, { lagMs?: number }>;
}

export interface SyncSummary {
  status: 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  durationMs: number;
  recordsEmitted: number;
  bytesEmitted: number;
  /** Records checkpointed: covered by a state the destination echoed. */
  recordsCommitted: number;
  bytesCommitted: number;
  /**
   * Records the destination holds: after a successful sync every record emitted (the destination received them all
   * and exited cleanly), otherwise those committed; records a mapper's filter dropped are not written.
   */
  recordsWritten: number;
  /** Records a mapper's filter dropped: emitted by the source, deliberately not sent to the destination. */
  recordsFiltered: number;
  statesEmitted: number;
  statesCommitted: number;
  /** Source lines that looked like RECORDs but were malformed: not sent to the destination (each is in the log). */
  malformedLines: number;
  recordsPerSecond: number;
  megabytesPerSecond: number;
  streams: StreamStats[];
  warnings: string[];
  failure?: { code: string; message: string; connector?: string; failureType?: string };
  /** Peak resident memory of the Sluice process itself (connectors not included). */
  runtimePeakRssBytes: number;
  stateFile?: string;
  /** The follow figures when the sync followed the source. */
  follow?: FollowStats;
}

export class SyncStats {
  readonly streams = new Map<string, StreamStats>();
  readonly warnings: string[] = [];
  statesEmitted = 0;
  statesCommitted = 0;
  /** Source lines that looked like RECORDs but were malformed, so were not sent on. */
  malformedLines = 0;
  /** Set when the sync follows the source (runSync's `follow`). */
  follow: FollowStats | undefined;
  /** When the sync started, set-up (spec, config checks, discover) included: durations and rates count from here. */
  readonly startedAt: number;
  /** Per stream, the filtered records among those committed (so that recordsWritten can leave them out). */
  readonly #filteredCommitted = new Map<string, number>();

  constructor(streamNames: string[], startedAt = Date.now()) {
    this.startedAt = startedAt;
    for (const stream of streamNames) this.#stream(stream);
  }

  /** The live numbers of one stream; the relay increments recordsEmitted and bytesEmitted directly. */
  stream(stream: string): StreamStats {
    return this.#stream(stream);
  }

  committed(covered: Map<string, StreamCounts>): void {
    for (const [stream, counts] of covered) {
      const stats = this.#stream(stream);
      stats.recordsCommitted += counts.records;
      stats.bytesCommitted += counts.bytes;
      if (counts.filtered > 0) this.#filteredCommitted.set(stream, (this.#filteredCommitted.get(stream) ?? 0) + counts.filtered);
    }
  }

  estimate(stream: string, rows: number | undefined): void {
    if (rows !== undefined) this.#stream(stream).rowEstimate = rows;
  }

  status(stream: string, status: string): void {
    this.#stream(stream).status = status;
  }

  warn(message: string): void {
    if (this.warnings.length < 100) this.warnings.push(message);
  }

  get recordsEmitted(): number {
    let sum = 0;
    for (const stats of this.streams.values()) sum += stats.recordsEmitted;
    return sum;
  }

  /** Fraction done from the source's estimates, or undefined when it gave none. */
  get progress(): number | undefined {
    let estimated = 0;
    let done = 0;
    for (const stats of this.streams.values()) {
      if (stats.rowEstimate === undefined) continue;
      estimated += stats.rowEstimate;
      done += Math.min(stats.recordsEmitted, stats.rowEstimate);
    }
    return estimated > 0 ? done / estimated : undefined;
  }

  summary(status: SyncSummary['status'], attempts: number): SyncSummary {
    const durationMs = Date.now() - this.startedAt;
    const streams = [...this.streams.values()];
    const total = (field: keyof Omit<StreamStats, 'stream' | 'status' | 'rowEstimate'>): number =>
      streams.reduce((sum, stats) => sum + stats[field], 0);
    const seconds = Math.max(durationMs, 1) / 1000;
    let filteredCommitted = 0;
    for (const count of this.#filteredCommitted.values()) filteredCommitted += count;
    const recordsWritten = status === 'succeeded'
      ? total('recordsEmitted') - total('recordsFiltered')
      : total('recordsCommitted') - filteredCommitted;
    const noState = status === 'succeeded' && this.statesEmitted === 0 && recordsWritten > 0
      ? [`the source sent no STATE: its ${recordsWritten} records were written but not checkpointed, so the next sync starts from the beginning`]
      : [];
    const malformed = this.malformedLines > 0
      ? [`${this.malformedLines} line${this.malformedLines === 1 ? '' : 's'} from the source looked like RECORDs but were malformed and were not sent: see the log`]
      : [];
    return {
      status,
      attempts,
      durationMs,
      recordsEmitted: total('recordsEmitted'),
      bytesEmitted: total('bytesEmitted'),
      recordsCommitted: total('recordsCommitted'),
      bytesCommitted: total('bytesCommitted'),
      recordsWritten,
      recordsFiltered: total('recordsFiltered'),
      statesEmitted: this.statesEmitted,
      statesCommitted: this.statesCommitted,
      malformedLines: this.malformedLines,
      recordsPerSecond: Math.round(total('recordsEmitted') / seconds),
      megabytesPerSecond: Math.round((total('bytesEmitted') / 1e6 / seconds) * 100) / 100,
      streams,
      warnings: [...this.warnings, ...malformed, ...noState],
      runtimePeakRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(this.follow === undefined ? {} : { follow: plainFollow(this.follow) }),
    };
  }

  #stream(stream: string): StreamStats {
    let stats = this.streams.get(stream);
    if (!stats) {
      stats = { stream, recordsEmitted: 0, bytesEmitted: 0, recordsCommitted: 0, bytesCommitted: 0, recordsFiltered: 0 };
      this.streams.set(stream, stats);
    }
    return stats;
  }
}

/** The follow figures as a plain JSON object (a copy: the live one keeps changing). */
export function plainFollow(follow: FollowStats): FollowStats {
  const streams: FollowStats['streams'] = {};
  for (const [name, figures] of Object.entries(follow.streams)) streams[name] = { ...figures };
  return { ...follow, streams };
}
