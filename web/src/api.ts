// Owns talking to the REST API: JSON in and out, one error type carrying the API's error body
// ({ error: { code, message, hint } }), and the signal that the session is missing (401), which the app answers
// with the sign-in page. The session itself is an HttpOnly cookie the server sets, so no token lives in script.
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly hint?: string) {
    super(message);
  }
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called whenever the API answers 401: the app shows the sign-in page. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    if (response.status === 401) for (const listener of unauthorizedListeners) listener();
    const error = (parsed as { error?: { code?: string; message?: string; hint?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'http.error', error?.message ?? `HTTP ${response.status}`, error?.hint);
  }
  return parsed as T;
}

export const get = <T,>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T,>(path: string, body: unknown = {}): Promise<T> => api<T>('POST', path, body);
export const patch = <T,>(path: string, body: unknown): Promise<T> => api<T>('PATCH', path, body);
export const del = (path: string): Promise<void> => api<void>('DELETE', path);

export const enc = encodeURIComponent;

export interface Page<T> {
  data: T[];
  pagination: { limit: number; offset: number; next: number | null };
}
