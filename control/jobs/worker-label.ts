// Owns what a worker label is (`sluice worker --label docker-gpu`, a connection's `workerLabel`): lower-case letters,
// digits, '_', '-' and '.', starting with a letter or digit, at most 63 characters. It names a queue of pg-boss
// (job-queue.ts), so it is kept to characters every queue name and log line can carry as they are.
import { SluiceError, type ErrorCode } from '../../runtime/errors.js';

const LABEL = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** The rule, as an error message says it. */
export const WORKER_LABEL_RULE = "lower-case letters, digits, '_', '-' and '.', starting with a letter or digit, at most 63 characters";

export function isWorkerLabel(value: string): boolean {
  return LABEL.test(value);
}

/** The label, or a typed error naming `field` (e.g. `workerLabel`, `--label`). */
export function checkWorkerLabel(value: string, field: string, code: ErrorCode): string {
  if (!isWorkerLabel(value)) throw new SluiceError(code, `${field} ${JSON.stringify(value)}: a worker label is ${WORKER_LABEL_RULE}`);
  return value;
}
