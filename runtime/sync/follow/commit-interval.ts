// Owns reading a following sync's commit interval (`--commit-interval`, SLUICE_COMMIT_INTERVAL_MS on `serve` and
// `sluice worker`): a positive whole number of milliseconds, the only form destinations accept (a fraction or `1e3`
// passed on would fail every following sync at its destination).

/** The interval in milliseconds, or undefined when `text` is not a positive whole number. */
export function parseCommitIntervalMs(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  const ms = Number(trimmed);
  return /^\d+$/.test(trimmed) && Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}
