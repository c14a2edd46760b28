// What a following source-postgres hears back on stdin (committed-feedback.ts): only the LSN of committed STATE lines
// moves the acknowledgeable position, never backwards, never from anything else; stdin's end means stop.
import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { CommittedFeedback } from '../../connectors/source-postgres/cdc/committed-feedback.js';
import { lsnToBigint, lsnToText } from '../../connectors/source-postgres/cdc/pgoutput.js';

const stateLine = (lsn: string) => `{"type":"STATE","state":{"type":"GLOBAL","global":{"shared_state":{"lsn":"${lsn}","slot":"s"},"stream_states":[]}}}\n`;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('committed-state feedback', () => {
  it('moves to each committed state LSN, in order, ignoring older ones and lines that are not such states', async () => {
    const input = new PassThrough();
    const feedback = new CommittedFeedback('0/16B3748', input);
    const heard: string[] = [];
    feedback.onCommitted((lsn) => heard.push(lsnToText(lsn)));
    try {
      expect(lsnToText(feedback.committed)).toBe('0/16B3748');
      input.write(stateLine('0/16B3800'));
      input.write('not json\n');
      input.write('{"type":"RECORD","record":{}}\n');
      input.write(stateLine('0/16B3700'));
      input.write(stateLine('not an lsn'));
      input.write(stateLine('1/A0'));
      await settle();
      expect(heard).toEqual(['0/16B3800', '1/A0']);
      expect(lsnToText(feedback.committed)).toBe('1/A0');
      expect(feedback.stopped).toBe(false);
    } finally {
      feedback.dispose();
    }
  });

  it("stdin's end means stop", async () => {
    const input = new PassThrough();
    const feedback = new CommittedFeedback('0/0', input);
    let stopped = false;
    feedback.onStop(() => (stopped = true));
    input.end();
    await settle();
    expect([stopped, feedback.stopped]).toEqual([true, true]);
    feedback.dispose();
  });

  it('reads LSNs above 2^32 exactly', () => {
    expect(lsnToBigint('16/B374D848')).toBe(0x16b374d848n);
    expect(lsnToText(0x16b374d848n)).toBe('16/B374D848');
  });
});
