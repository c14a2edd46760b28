// Owns how the result of an action reads: a check that SUCCEEDED or FAILED with the connector's own message, a
// save that worked or was refused with the API's message and hint; and carrying one such result to the next page.
import { useEffect, useState } from 'react';
import { ApiError } from '../api';

export interface Outcome {
  tone: 'ok' | 'error';
  title: string;
  /** Shown as written: a connector's message may span lines. */
  message?: string;
  hint?: string;
}

export function OutcomeNotice({ outcome }: { outcome: Outcome | undefined }) {
  if (!outcome) return null;
  const body = (
    <>
      <strong>{outcome.title}</strong>
      {outcome.message && <pre className="notice-message">{outcome.message}</pre>}
      {outcome.hint && <p className="notice-hint">{outcome.hint}</p>}
    </>
  );
  return outcome.tone === 'ok'
    ? <div role="status" className="notice notice-ok">{body}</div>
    : <div role="alert" className="notice notice-error">{body}</div>;
}

/** A check's verdict: SUCCEEDED or FAILED with the connector's own message, and what it means here. */
export function checkOutcome(result: { status: string; message?: string }, hints: { succeeded?: string; failed?: string } = {}): Outcome {
  return result.status === 'SUCCEEDED'
    ? { tone: 'ok', title: 'Check SUCCEEDED', message: result.message, hint: hints.succeeded }
    : { tone: 'error', title: 'Check FAILED', message: result.message ?? 'The connector gave no reason.', hint: hints.failed };
}

export function failure(title: string, error: unknown, hint?: string): Outcome {
  if (error instanceof ApiError) return { tone: 'error', title, message: error.message, hint: hint ?? error.hint };
  return { tone: 'error', title, message: error instanceof Error ? error.message : String(error), hint };
}

/** Navigation state that carries an outcome to the page navigated to (read once, when that page mounts). */
export const withOutcome = (outcome: Outcome): { state: { outcome: Outcome } } => ({ state: { outcome } });

export function useArrivalOutcome(): [Outcome | undefined, (outcome: Outcome | undefined) => void] {
  const state = useState<Outcome | undefined>(() => (history.state as { outcome?: Outcome } | null)?.outcome);
  // Shown once: a reload of the page does not announce it again.
  useEffect(() => {
    const current = history.state as { outcome?: Outcome } | null;
    if (current?.outcome) history.replaceState({ ...current, outcome: undefined }, '');
  }, []);
  return state;
}
