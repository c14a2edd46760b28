#!/usr/bin/env node
// Owns destination-dev-null: reads every message, keeps nothing, echoes each STATE as received. Records are
// recognised from their prefix and skipped unparsed, so it costs as little as a destination can. Each STATE is
// echoed as it came, numbers intact, with destinationStats.recordCount: the records of its stream since that stream's
// last STATE (counted by stream name: the prefix a record is recognised from does not give its namespace), or of
// every stream for a GLOBAL or LEGACY state.
import { runConnector } from '../kit/run-connector.js';
import { LineSplitter } from '../../protocol/line-splitter.js';
import { classifyLine } from '../../protocol/envelope.js';
import { RecordCounts, echoStateLine } from '../kit/state-echo.js';

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
    const counts = new RecordCounts();
    const onLine = (buffer: Buffer, start: number, end: number): void => {
      const kind = classifyLine(buffer, start, end);
      if (kind.kind === 'record') counts.add(kind.stream);
      else if (kind.kind === 'message' && kind.message.type === 'STATE') {
        const state = kind.message.state!;
        const stream = state.type === 'STREAM' ? state.stream?.stream_descriptor?.name : undefined;
        void out.emitLine(echoStateLine(buffer.toString('utf8', start, end), counts.take(stream)));
      } else if (kind.kind === 'message' && kind.message.type === 'RECORD') counts.add(kind.message.record!.stream);
    };
    for await (const chunk of input as AsyncIterable<Buffer>) {
      splitter.push(chunk, onLine);
      await out.flush();
    }
    splitter.end(onLine);
  },
});
