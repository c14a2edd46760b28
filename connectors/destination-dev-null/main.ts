#!/usr/bin/env node
// Owns destination-dev-null: reads every message, keeps nothing, echoes each STATE as received. Records are
// recognised from their prefix and skipped unparsed, so it costs as little as a destination can.
import { runConnector } from '../kit/run-connector.js';
import { LineSplitter } from '../../protocol/line-splitter.js';
import { classifyLine } from '../../protocol/envelope.js';

await runConnector<Record<string, unknown>>({
  spec: {
    documentationUrl: 'https://github.com/sluice-data/sluice#destination-dev-null',
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    connectionSpecification: { type: 'object', properties: {} },
  },
  async check() {
    return undefined;
  },
  async write(_config, _catalog, input, out) {
    const splitter = new LineSplitter();
    let records = 0;
    const onLine = (buffer: Buffer, start: number, end: number): void => {
      const kind = classifyLine(buffer, start, end);
      if (kind.kind === 'record') records++;
      else if (kind.kind === 'message' && kind.message.type === 'STATE') {
        const state = { ...kind.message.state, destinationStats: { recordCount: records } };
        records = 0;
        void out.emit({ ...kind.message, state });
      } else if (kind.kind === 'message' && kind.message.type === 'RECORD') records++;
    };
    for await (const chunk of input as AsyncIterable<Buffer>) {
      splitter.push(chunk, onLine);
      await out.flush();
    }
    splitter.end(onLine);
  },
});
