// The stream a reset names (`--stream`, the API's `stream`) is read the same way for a state file and a stored
// connection: `namespace.name` for a namespaced stream, unless the state holds a stream named exactly that.
import { describe, expect, it } from 'vitest';
import { normalizeState } from '../../protocol/state.js';
import { streamToReset } from '../../runtime/sync/stream-to-reset.js';

function streamState(...descriptors: Array<{ name: string; namespace?: string }>) {
  return normalizeState(descriptors.map((descriptor) => ({ type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: { c: 1 } } })));
}

describe('the stream named for a reset', () => {
  it('is a plain name when there is no dot', () => {
    expect(streamToReset('users', streamState({ name: 'users' }))).toEqual({ name: 'users' });
  });

  it('is namespace.name, split at the first dot, when the state holds no stream with that exact name', () => {
    expect(streamToReset('public.users', streamState({ name: 'users', namespace: 'public' }))).toEqual({ namespace: 'public', name: 'users' });
    expect(streamToReset('raw.events.v2', streamState())).toEqual({ namespace: 'raw', name: 'events.v2' });
  });

  it('is the exact name when the state holds a stream named with a dot and no namespace', () => {
    expect(streamToReset('events.v2', streamState({ name: 'events.v2' }))).toEqual({ name: 'events.v2' });
  });
});
