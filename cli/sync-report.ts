// Owns how a sync looks to a person: a live progress line on the terminal and the end-of-sync summary
// (or the summary as one JSON object for scripts).
import type { FollowStats, SyncStats, SyncSummary } from '../runtime/sync/sync-stats.js';
import type { Logger } from '../runtime/logger.js';
import { printJson, printLines, table } from './output.js';
import { followLine } from '../control/services/job-view.js';

export function startProgressLine(stats: SyncStats): () => void {
  let lastRecords = 0;
  let lastAt = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const records = stats.recordsEmitted;
    const rate = Math.round(((records - lastRecords) * 1000) / Math.max(1, now - lastAt));
    lastRecords = records;
    lastAt = now;
    const progress = stats.progress;
    const percent = progress === undefined ? '' : ` ${(progress * 100).toFixed(0)}%`;
    process.stderr.write(`\r\u001b[K${number(records)} records${percent}, ${number(rate)}/s, ${stats.statesCommitted} states committed`);
  }, 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\u001b[K');
  };
}

/** A following sync's live line on a terminal: `following · lag 0.4s · 950 changes/s · at 0/16B3748 · restarts 0`. */
export function startFollowProgressLine(stats: SyncStats): () => void {
  const timer = setInterval(() => {
    if (stats.follow) process.stderr.write(`\r\u001b[K${followingLine(stats.follow)}`);
  }, 500);
  timer.unref();
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\u001b[K');
  };
}

/** Without a terminal, a following sync logs the same figures every 10 s. */
export function startFollowLog(stats: SyncStats, logger: Logger, everyMs = 10_000): () => void {
  const timer = setInterval(() => {
    if (stats.follow) logger.info({ follow: { ...stats.follow } }, followingLine(stats.follow));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** A following sync's figures: `following · lag 0.4s · 950 changes/s · at 0/16B3748 · restarts 0` (the jobs line's). */
export function followingLine(follow: FollowStats): string {
  return `following · ${followLine(follow)} · restarts ${follow.restarts}`;
}

export function printSummary(summary: SyncSummary, json: boolean): void {
  if (json) {
    printJson(summary);
    return;
  }
  const lines = [
    `sync ${summary.status} in ${(summary.durationMs / 1000).toFixed(1)} s` +
      (summary.attempts > 1 ? ` after ${summary.attempts} attempts` : '') +
      `: ${recordsLine(summary)}, ` +
      `${number(summary.recordsPerSecond)} records/s, ${summary.megabytesPerSecond} MB/s`,
    ...table(
      ['STREAM', 'EMITTED', 'COMMITTED', 'BYTES', 'STATUS'],
      summary.streams.map((stream) => [
        stream.stream,
        number(stream.recordsEmitted),
        number(stream.recordsCommitted),
        number(stream.bytesEmitted),
        stream.status ?? '',
      ]),
    ),
    `states: ${summary.statesCommitted} of ${summary.statesEmitted} committed${summary.stateFile ? ` to ${summary.stateFile}` : ''}`,
    ...(summary.follow ? [followSummaryLine(summary.follow)] : []),
    ...summary.warnings.map((warning) => `warning: ${warning}`),
  ];
  printLines(lines);
}

/** The summary's follow line: where the last commit left the source, its lag, and the restarts. */
function followSummaryLine(follow: FollowStats): string {
  const at = follow.position === undefined ? '' : ` at ${follow.position}`;
  const lag = follow.lagMs === undefined ? '' : `, lag ${(follow.lagMs / 1000).toFixed(1)}s at the last commit`;
  return `followed${at}${lag}, ${follow.restarts} restart${follow.restarts === 1 ? '' : 's'}`;
}

/** "5 of 5 records committed"; when the source sent no STATE, what happened instead. */
function recordsLine(summary: SyncSummary): string {
  if (summary.statesEmitted === 0 && summary.status === 'succeeded' && summary.recordsWritten > 0) {
    return `${number(summary.recordsWritten)} records written, none checkpointed`;
  }
  const filtered = summary.recordsFiltered > 0 ? ` (${number(summary.recordsFiltered)} filtered out by mappers)` : '';
  return `${number(summary.recordsCommitted)} of ${number(summary.recordsEmitted)} records committed${filtered}`;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}
