// Owns how an error reads on the page: the API's message with its hint, else the error's own message.
import { ApiError } from '../api';

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  return error instanceof Error ? error.message : String(error);
}
