// Owns telling a destination that every stream of the catalog is complete (TRACE STREAM_STATUS COMPLETE, as the
// Airbyte platform does once the source has exited successfully). Destinations finalise overwritten streams only on
// this signal, so a source that fails, a Ctrl-C or a killed Sluice never replaces good data with part of it.
import type { Writable } from 'node:stream';
import type { ConfiguredAirbyteCatalog } from '../protocol/types.generated.js';
import { writeWithBackpressure } from './backpressure.js';

export async function sendStreamsComplete(destination: Writable, catalog: ConfiguredAirbyteCatalog): Promise<void> {
  const emittedAt = Date.now();
  const lines = catalog.streams.map(({ stream }) =>
    JSON.stringify({
      type: 'TRACE',
      trace: {
        type: 'STREAM_STATUS',
        emitted_at: emittedAt,
        stream_status: { stream_descriptor: { name: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) }, status: 'COMPLETE' },
      },
    }),
  );
  if (lines.length > 0) await writeWithBackpressure(destination, `${lines.join('\n')}\n`);
}
