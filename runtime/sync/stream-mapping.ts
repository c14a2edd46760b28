// Owns where a connection's streams land in the destination: a prefix added to each stream name, and a namespace
// that replaces the source's (null keeps it). The destination gets the mapped configured catalog and each RECORD
// re-serialised with the mapped name (unknown fields kept, every digit of its numbers kept), and each STREAM or
// GLOBAL state with its stream descriptors mapped the same way (LEGACY states pass unchanged), as the Airbyte
// platform's namespacing mapper does. The destination's echo is mapped back to the source's names before the ledger
// matches it, so the source, the ledger and the committed state keep the source's names. With no prefix and no
// namespace nothing is mapped and records and states pass as their original bytes.
import type { AirbyteMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog } from '../../protocol/types.generated.js';
import { describeStream, streamKey } from '../../protocol/state.js';
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

/**
 * The RECORD line the destination gets: the same message with its stream (and namespace) mapped. `parsed` is the
 * relay's JSON.parse of the line when it made one (a line with a number it may have rounded is read again, exactly);
 * `longNumber` whether the line holds such a number, when the relay's check of the line found out.
 */
export function mappedRecordLine(line: Buffer, mapping: StreamMapping, parsed?: AirbyteMessage, longNumber?: boolean): Buffer {
  const text = line.toString('utf8');
  const exact = longNumber ?? mayLoseDigits(text);
  const source = exact ? (parseExactJson(text) as AirbyteMessage) : (parsed ?? (JSON.parse(text) as AirbyteMessage));
  const record = source.record!;
  const target = mapDescriptor({ name: record.stream, namespace: record.namespace }, mapping);
  const { namespace: _namespace, ...rest } = record;
  const mapped = { ...source, record: { ...rest, stream: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
  return Buffer.from(exact ? stringifyExactJson(mapped) : JSON.stringify(mapped));
}

/**
 * The STATE line the destination gets: its stream descriptors mapped as the records' are. `message` is the exact
 * parse of the line (protocol/envelope.ts), so every digit of the blob is written back; LEGACY has no descriptor
 * and passes as its original bytes (true).
 */
export function mappedStateLine(message: AirbyteMessage, mapping: StreamMapping): Buffer | true {
  const mapped = renameStateStreams(message.state!, (descriptor) => mapDescriptor(descriptor, mapping));
  return mapped === message.state ? true : Buffer.from(stringifyExactJson({ ...message, state: mapped }));
}

/**
 * Maps a state the destination echoed back to the source's stream names. One-to-one because mapCatalog refuses two
 * streams landing in one; a descriptor of no configured stream is left as is (the ledger then refuses the echo).
 */
export function sourceNamesOf(catalog: ConfiguredAirbyteCatalog, mapping: StreamMapping): (state: AirbyteStateMessage) => AirbyteStateMessage {
  const reverse = new Map<string, { name: string; namespace?: string }>();
  for (const configured of catalog.streams) {
    const { name, namespace } = configured.stream;
    reverse.set(streamKey(mapDescriptor(configured.stream, mapping)), { name, ...(namespace ? { namespace } : {}) });
  }
  return (state) => renameStateStreams(state, (descriptor) => reverse.get(streamKey(descriptor)) ?? descriptor);
}

type Descriptor = { name: string; namespace?: string };

/** The state with each stream descriptor renamed (other fields of the descriptor kept); the same object for LEGACY. */
function renameStateStreams(state: AirbyteStateMessage, rename: (descriptor: Descriptor) => { name: string; namespace?: string }): AirbyteStateMessage {
  const renamed = (descriptor: Descriptor): Descriptor => {
    const { namespace: _namespace, ...rest } = descriptor;
    const target = rename(descriptor);
    return { ...rest, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) };
  };
  if (state.type === 'STREAM' && state.stream) {
    return { ...state, stream: { ...state.stream, stream_descriptor: renamed(state.stream.stream_descriptor) } };
  }
  if (state.type === 'GLOBAL' && state.global) {
    const streamStates = state.global.stream_states.map((streamState) => ({ ...streamState, stream_descriptor: renamed(streamState.stream_descriptor) }));
    return { ...state, global: { ...state.global, stream_states: streamStates } };
  }
  return state;
}

/** Where a stream lands in the destination. */
export function mapDescriptor(stream: { name: string; namespace?: string | null }, mapping: StreamMapping): { name: string; namespace?: string } {
  const namespace = mapping.namespace ?? stream.namespace ?? undefined;
  return { name: `${mapping.prefix}${stream.name}`, ...(namespace ? { namespace } : {}) };
}
