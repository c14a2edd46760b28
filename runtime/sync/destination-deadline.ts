// Owns the waits on a destination that the watchdog does not cover, each bounded: exiting after the end of its
// input (within --destination-timeout), and finishing after the sync was interrupted (within the same limit, at
// most a minute, so that Ctrl-C or SIGTERM ends Sluice soon). When one passes, `onExpired` gets the error naming
// the destination and stops it. An interruption's deadline replaces the end-of-input one, never the reverse.
import { SluiceError } from '../errors.js';

/** The longest an interrupted sync waits for its destination to finish what it received. */
export const MAX_INTERRUPT_GRACE_MS = 60_000;

export class DestinationDeadline {
  #timer: NodeJS.Timeout | undefined;
  #interrupted = false;

  constructor(
    readonly destination: string,
    /** --destination-timeout; no end-of-input deadline without one. */
    readonly limitMs: number | undefined,
    readonly onExpired: (error: SluiceError) => void,
  ) {}

  /** The sync was interrupted: the destination has until the grace period passes to finish. */
  interrupted(): void {
    if (this.#interrupted) return;
    this.#interrupted = true;
    const graceMs = Math.min(this.limitMs ?? MAX_INTERRUPT_GRACE_MS, MAX_INTERRUPT_GRACE_MS);
    this.#arm(graceMs, () => new SluiceError(
      'sync.interrupted',
      `the sync was interrupted and destination ${this.destination} did not finish within ${seconds(graceMs)}, so it was stopped; what it acknowledged before is committed`,
      { exitCode: 130 },
    ));
  }

  /** The destination got the end of its input: it must exit within the limit. */
  inputEnded(): void {
    if (this.#interrupted || this.limitMs === undefined) return;
    const limitMs = this.limitMs;
    this.#arm(limitMs, () => new SluiceError(
      'sync.destination_hung',
      `destination ${this.destination} did not exit within ${seconds(limitMs)} of the end of its input and was stopped`,
      { failureType: 'transient_error' },
    ));
  }

  /** The destination has exited: nothing to watch any more. */
  stop(): void {
    clearTimeout(this.#timer);
  }

  #arm(ms: number, error: () => SluiceError): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.onExpired(error()), ms);
    this.#timer.unref();
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
