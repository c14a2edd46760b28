// The connector kit's public surface: everything a third party needs to write a connector in TypeScript.
export { runSource, type SourceDefinition, type StreamDefinition, type StreamReadContext, type Row } from './source.js';
export { runDestination, type DestinationDefinition, type DestinationWriter, type DestinationContext } from './destination.js';
export { runConnector, ConnectorError, type ConnectorDefinition } from './run-connector.js';
export { MessageWriter } from './message-writer.js';
export { compareCursors, valueAtPath } from './cursor.js';
export type { FailureType } from './messages.js';
