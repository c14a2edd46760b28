#!/usr/bin/env node
// Owns source-faker: deterministic fake users, products and purchases for a seed, full refresh or incremental
// by updated_at, with a STREAM state every `records_per_state` rows. Fast enough to benchmark the runtime.
import { runConnector, ConnectorError } from '../kit/run-connector.js';
import { streamStateBlob } from '../../protocol/state.js';
import { streamEstimate, streamState, streamStatus } from '../kit/messages.js';
import { fakerStreams, firstIdAfter, rowRandom, updatedAtOf } from './streams.js';

interface FakerConfig {
  count: number;
  seed?: number;
  records_per_state?: number;
}

await runConnector<FakerConfig>({
  spec: {
    documentationUrl: 'https://github.com/sluice-data/sluice#source-faker',
    connectionSpecification: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Faker source',
      type: 'object',
      required: ['count'],
      properties: {
        count: { type: 'integer', minimum: 0, description: 'users and purchases to produce (products: a tenth)' },
        seed: { type: 'integer', default: 0, description: 'the same seed gives the same rows' },
        records_per_state: { type: 'integer', minimum: 1, default: 1000, description: 'rows between STATE messages' },
      },
    },
  },
  async check() {
    return undefined;
  },
  async discover() {
    return { streams: fakerStreams.map((stream) => stream.schema) };
  },
  async read(config, catalog, state, out) {
    const seed = config.seed ?? 0;
    const every = config.records_per_state ?? 1000;
    for (const configured of catalog.streams) {
      const index = fakerStreams.findIndex((stream) => stream.name === configured.stream.name);
      const stream = fakerStreams[index];
      if (!stream) throw new ConnectorError(`stream ${configured.stream.name} does not exist in source-faker`, 'config_error');
      const size = stream.size(config.count);
      const incremental = configured.sync_mode === 'incremental';
      const first = incremental ? firstIdAfter(streamStateBlob(state, { name: stream.name })?.['updated_at']) : 1;
      const emittedAt = Date.now();
      const prefix = `{"type":"RECORD","record":{"stream":"${stream.name}","data":`;
      const suffix = `,"emitted_at":${emittedAt}}}`;
      await out.emit(streamStatus(stream.name, 'STARTED'));
      await out.emit(streamEstimate(stream.name, Math.max(0, size - first + 1)));
      await out.emit(streamStatus(stream.name, 'RUNNING'));
      let sinceState = 0;
      let cursor = first > 1 ? updatedAtOf(first - 1) : undefined;
      for (let id = first; id <= size; id++) {
        cursor = updatedAtOf(id);
        const waiting = out.emitLine(prefix + stream.row(id, rowRandom(seed, index, id), cursor) + suffix);
        if (waiting) await waiting;
        if (++sinceState === every) {
          await out.emit(streamState(stream.name, { updated_at: cursor }, sinceState));
          sinceState = 0;
        }
      }
      // Always end a stream with its state, even when it moved nothing, so the next run knows where it stands.
      await out.emit(streamState(stream.name, cursor === undefined ? {} : { updated_at: cursor }, sinceState));
      await out.emit(streamStatus(stream.name, 'COMPLETE'));
    }
  },
});
