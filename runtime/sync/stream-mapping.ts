// Owns where a connection's streams land in the destination: a prefix added to each stream name, and a namespace
// that replaces the source's (null keeps it). The destination gets the mapped configured catalog and each RECORD
// re-serialised with the mapped name (unknown fields kept, every digit of its numbers kept); the source, the
// state and the ledger keep the source's names. With no prefix and no namespace nothing is mapped and records pass as their original bytes.
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { describeStream } from '../../protocol/state.js';
import { SluiceError } from '../errors.js';
import { mayLoseDigits, parseExactJson, stringifyExactJson } from '../../protocol/exact-json.js';

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
export function mappedRecordLine(message: AirbyteMessage, line: Buffer, mapping: StreamMapping): Buffer {
  // JSON.parse already gave `message`; a line with a number it may have rounded is read again, exactly.
  const text = line.toString('utf8');
  const exact = mayLoseDigits(text);
  const source = exact ? (parseExactJson(text) as AirbyteMessage) : message;
  const record = source.record!;
  const target = mapDescriptor({ name: record.stream, namespace: record.namespace }, mapping);
  const { namespace: _namespace, ...rest } = record;
  const mapped = { ...source, record: { ...rest, stream: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
  return Buffer.from(exact ? stringifyExactJson(mapped) : JSON.stringify(mapped));
}

function mapDescriptor(stream: { name: string; namespace?: string | null }, mapping: StreamMapping): { name: string; namespace?: string } {
  const namespace = mapping.namespace ?? stream.namespace ?? undefined;
  return { name: `${mapping.prefix}${stream.name}`, ...(namespace ? { namespace } : {}) };
}
