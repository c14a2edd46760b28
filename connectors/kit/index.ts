// The connector kit's public surface: everything a third party needs to write a connector in TypeScript.
export { runSource, type SourceDefinition, type StreamDefinition, type StreamReadContext, type Row } from './source.js';
export { runDestination, type DestinationDefinition, type DestinationWriter, type DestinationContext, type DestinationRecord } from './destination.js';
export { targetNames, nameSuffix, FILE_NAMES, type NamingRule } from './stream-names.js';
export { parseExact, stringifyExact, isLosslessNumber, LosslessNumber } from './exact-json.js';
export { DataFields, type ValueKind } from './data-fields.js';
export { writeFully } from './write-fully.js';
export { runConnector, ConnectorError, type ConnectorDefinition } from './run-connector.js';
export { MessageWriter } from './message-writer.js';
export { compareCursors, valueAtPath } from './cursor.js';
export type { FailureType } from './messages.js';
