// Owns noticing, during a sync, a source that goes silent while the destination keeps up, and a destination that
// stops taking input. Time spent waiting for the destination is never counted as the source's silence.

export interface WatchdogLimits {
  sourceIdleTimeoutMs?: number;
  destinationIdleTimeoutMs?: number;
}

/** Notices a source that goes silent while the destination keeps up, and a destination that stops reading. */
export class Watchdog {
  #lastSourceChunk = Date.now();
  #waitingSince: number | undefined;
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(
    request: WatchdogLimits,
    onSourceIdle: () => void,
    onDestinationStuck: () => void,
  ) {
    const sourceLimit = request.sourceIdleTimeoutMs;
    const destinationLimit = request.destinationIdleTimeoutMs;
    if (sourceLimit === undefined && destinationLimit === undefined) return;
    const every = Math.max(50, Math.min(sourceLimit ?? Infinity, destinationLimit ?? Infinity) / 4);
    this.#timer = setInterval(() => {
      const now = Date.now();
      if (this.#waitingSince !== undefined) {
        if (destinationLimit !== undefined && now - this.#waitingSince > destinationLimit) {
          this.stop();
          onDestinationStuck();
        }
      } else if (sourceLimit !== undefined && now - this.#lastSourceChunk > sourceLimit) {
        this.stop();
        onSourceIdle();
      }
    }, every);
    this.#timer.unref();
  }

  readonly sourceAlive = (): void => {
    this.#lastSourceChunk = Date.now();
  };

  readonly destinationWaiting = (waiting: boolean): void => {
    this.#waitingSince = waiting ? Date.now() : undefined;
    // Time spent waiting for the destination is not the source's silence.
    if (!waiting) this.#lastSourceChunk = Date.now();
  };

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
