// Owns the live figures of a following sync (SyncStats.follow): position, source time and lag of the last committed
// state, per-stream lag, committed changes per second over a sliding window, and the restart count. Updated once per
// persisted commit (never per record), plus a once-a-second tick so the rate falls to 0 while nothing is committed.
// Memory is bounded: the window is a fixed ring of one-second buckets.
import type { Commit } from '../commit/ledger.js';
import { plainFollow, type FollowStats } from '../sync-stats.js';

/** The sliding window of changesPerSecond: this many one-second buckets. */
const WINDOW_SECONDS = 10;

export class FollowFigures {
  readonly stats: FollowStats = { changesPerSecond: 0, restarts: 0, streams: {} };
  /** Records committed per second, bucket i holding the second `#seconds[i]`. */
  readonly #counts = new Array<number>(WINDOW_SECONDS).fill(0);
  readonly #seconds = new Array<number>(WINDOW_SECONDS).fill(-1);
  readonly #startedAt: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(now = Date.now()) {
    this.#startedAt = now;
    this.#timer = setInterval(() => this.#refreshRate(Date.now()), 1000);
    this.#timer.unref();
  }

  /** A commit is persisted: its progress, its lag and the records it covers. */
  committed(commit: Commit, now = Date.now()): void {
    const follow = this.stats;
    const progress = commit.attached?.progress;
    if (progress?.position !== undefined) follow.position = progress.position;
    const lagMs = progress?.sourceTimeMs === undefined ? undefined : Math.max(0, now - progress.sourceTimeMs);
    if (progress?.sourceTime !== undefined) follow.sourceTime = progress.sourceTime;
    if (lagMs !== undefined) follow.lagMs = lagMs;
    follow.lastCommitAt = now;
    let records = 0;
    for (const [stream, counts] of commit.covered) {
      if (counts.records === 0) continue;
      records += counts.records - counts.filtered;
      if (lagMs !== undefined) follow.streams[stream] = { lagMs };
      else follow.streams[stream] ??= {};
    }
    this.#add(now, records);
    this.#refreshRate(now);
  }

  /** Another attempt starts after a failure or a source that ended. */
  restarted(): void {
    this.stats.restarts++;
  }

  /** The figures now, as a plain JSON object (the rate brought up to date first). */
  snapshot(): FollowStats {
    this.#refreshRate(Date.now());
    return plainFollow(this.stats);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #add(now: number, records: number): void {
    const second = Math.floor(now / 1000);
    const slot = second % WINDOW_SECONDS;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#counts[slot] = 0;
    }
    this.#counts[slot]! += records;
  }

  #refreshRate(now: number): void {
    const second = Math.floor(now / 1000);
    let sum = 0;
    for (let slot = 0; slot < WINDOW_SECONDS; slot++) {
      if (second - this.#seconds[slot]! < WINDOW_SECONDS) sum += this.#counts[slot]!;
    }
    // Early on the window is shorter than 10 s: divide by the time actually covered.
    const covered = Math.min(WINDOW_SECONDS, Math.max(1, (now - this.#startedAt) / 1000));
    this.stats.changesPerSecond = Math.round(sum / covered);
  }
}
