// Feeding committed states back to a following source (runtime/sync/follow/state-feedback.ts): lines in order, and
// while the source does not read, only the latest one waits (bounded memory); a failed write is reported once.
import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { StateFeedback } from '../../runtime/sync/follow/state-feedback.js';

/** A stdin that holds every write until `release` is called (a source that does not read). */
function stalledStdin() {
  const written: string[] = [];
  const held: Array<() => void> = [];
  const stdin = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      held.push(done);
    },
  });
  const release = () => {
    for (const done of held.splice(0)) done();
  };
  return { stdin, written, release };
}

describe('StateFeedback', () => {
  it('writes each committed line while the source reads, and only the latest while it does not', async () => {
    const { stdin, written, release } = stalledStdin();
    const feedback = new StateFeedback(stdin, () => undefined);
    feedback.send(Buffer.from('{"state":1}'));
    // The first write is under way and not drained: the next lines replace each other.
    feedback.send(Buffer.from('{"state":2}'));
    feedback.send(Buffer.from('{"state":3}'));
    expect(written).toEqual(['{"state":1}\n']);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['{"state":1}\n', '{"state":3}\n']);
    release();
    feedback.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stdin.writableEnded).toBe(true);
    expect(feedback.sent).toBe(2);
  });

  it('reports a failed write once and writes nothing after it', async () => {
    const failures: string[] = [];
    let writes = 0;
    const stdin = new Writable({
      write(_chunk, _encoding, done) {
        writes++;
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const feedback = new StateFeedback(stdin, (error) => failures.push(error.message));
    feedback.send(Buffer.from('{"state":1}'));
    await new Promise((resolve) => setImmediate(resolve));
    feedback.send(Buffer.from('{"state":2}'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toEqual(['write EPIPE']);
    expect(writes).toBe(1);
  });
});

describe('StateFeedback with STREAM states', () => {
  it('keeps the latest waiting line of each stream, in commit order', async () => {
    const { stdin, written, release } = stalledStdin();
    const feedback = new StateFeedback(stdin, () => undefined);
    feedback.send(Buffer.from('a1'), 'a');
    feedback.send(Buffer.from('a2'), 'a');
    feedback.send(Buffer.from('b1'), 'b');
    feedback.send(Buffer.from('a3'), 'a');
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual(['a1\n', 'b1\n', 'a3\n']);
  });
});
