// Owns letting go of a connector's output pipe once the connector has exited and its process group is gone: a
// process that left the group (a daemon started with setsid) may hold the pipe open forever. After a grace period,
// as soon as the reader has taken everything buffered, the pipe is ended as if its last writer had closed it, so
// the reader sees the end of input and nothing the connector wrote is lost.
import type { Readable } from 'node:stream';

export const PIPE_RELEASE_GRACE_MS = 2_000;
const POLL_MS = 50;

/** Resolves when `pipe` has ended or closed, ending it after `graceMs` once its buffer is empty. */
export function releaseWhenDrained(pipe: Readable, graceMs = PIPE_RELEASE_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    if (pipe.readableEnded || pipe.destroyed) {
      resolve();
      return;
    }
    let poll: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve();
    };
    pipe.once('end', done);
    pipe.once('close', done);
    const timer = setTimeout(() => {
      poll = setInterval(() => {
        // Below its high-water mark a pipe is being read from the OS, so an empty buffer means nothing is pending.
        if (pipe.readableLength > 0 || pipe.readableEnded) return;
        clearInterval(poll);
        pipe.on('error', () => undefined);
        pipe.once('end', () => pipe.destroy());
        pipe.push(null);
      }, POLL_MS);
    }, graceMs);
  });
}
