// Owns reading the stream a user names for a state reset (`--stream`, the API's `stream`), for a state file and
// a stored connection alike: `name`, or `namespace.name` for a namespaced stream; a stream the state knows under
// the exact name (dots included, no namespace) wins over splitting at the first dot.
import type { NormalizedState } from '../../protocol/state.js';

export function streamToReset(text: string, state: NormalizedState): { name: string; namespace?: string } {
  const known = [...state.streams.values()].map((message) => message.stream!.stream_descriptor);
  const exact = known.find((descriptor) => descriptor.name === text && !descriptor.namespace);
  if (exact) return { name: text };
  const dot = text.indexOf('.');
  if (dot > 0) return { namespace: text.slice(0, dot), name: text.slice(dot + 1) };
  return { name: text };
}
