// Owns the two reasons a launcher stops a connector on its own: its time limit passes, or the caller aborts.
// Both launchers use it, so a process and a container are stopped the same way.
import type { LaunchRequest } from './launcher.js';

export interface StopTriggers {
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  /** Called once the connector has exited: no trigger fires after that. */
  dispose(): void;
}

export function armStopTriggers(request: LaunchRequest, stop: () => unknown): StopTriggers {
  const state = { timedOut: false, cancelled: false };
  const timer =
    request.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          state.timedOut = true;
          void stop();
        }, request.timeoutMs);
  const onAbort = (): void => {
    state.cancelled = true;
    void stop();
  };
  request.signal?.addEventListener('abort', onAbort, { once: true });
  if (request.signal?.aborted) onAbort();
  return {
    get timedOut() {
      return state.timedOut;
    },
    get cancelled() {
      return state.cancelled;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    },
  };
}
