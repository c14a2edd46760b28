// Owns where a connection's streams land in the destination: a prefix added to each stream name, and a namespace
// that replaces the source's (null keeps it). The destination gets the mapped configured catalog and each RECORD
// re-serialised with the mapped name (unknown fields kept); the source, the state and the ledger keep the
// source's names. With no prefix and no namespace nothing is mapped and records pass as their original bytes.
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { SluiceError } from '../errors.js';

export interface StreamMapping {
  prefix: string;
  namespace: string | null;
}

export function isIdentityMapping(mapping: StreamMapping | undefined): boolean {
  return mapping === undefined || (mapping.prefix === '' && mapping.namespace === null);
}

export function mapCatalog(catalog: ConfiguredAirbyteCatalog, mapping: StreamMapping): ConfiguredAirbyteCatalog {
  const seen = new Map<string, string>();
  const streams = catalog.streams.map((configured) => {
    const target = mapDescriptor(configured.stream, mapping);
    const key = describeStream(target);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new SluiceError('sync.catalog_mismatch', `streams ${earlier} and ${describeStream(configured.stream)} would both land in ${key} in the destination`, {
        hint: 'use a stream prefix, or keep the source namespaces',
      });
    }
    seen.set(key, describeStream(configured.stream));
    const { namespace: _namespace, ...stream } = configured.stream;
    return { ...configured, stream: { ...stream, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
  });
  return { ...catalog, streams };
}

/** The RECORD line the destination gets: the same message with its stream (and namespace) mapped. */
export function mappedRecordLine(message: AirbyteMessage, mapping: StreamMapping): Buffer {
  const record = message.record!;
  const target = mapDescriptor({ name: record.stream, namespace: record.namespace }, mapping);
  const { namespace: _namespace, ...rest } = record;
  return Buffer.from(JSON.stringify({ ...message, record: { ...rest, stream: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } }));
}

function mapDescriptor(stream: { name: string; namespace?: string | null }, mapping: StreamMapping): { name: string; namespace?: string } {
  const namespace = mapping.namespace ?? stream.namespace ?? undefined;
  return { name: `${mapping.prefix}${stream.name}`, ...(namespace ? { namespace } : {}) };
}
