// Owns building the protocol messages connectors emit most, so each connector writes one line per message.
import type {
  AirbyteMessage,
  AirbyteStateMessage,
  ConnectorSpecification,
  AirbyteCatalog,
} from '../../protocol/types.generated.js';

export type FailureType = 'config_error' | 'system_error' | 'transient_error';

export const specMessage = (spec: ConnectorSpecification): AirbyteMessage => ({ type: 'SPEC', spec });

export const catalogMessage = (catalog: AirbyteCatalog): AirbyteMessage => ({ type: 'CATALOG', catalog });

export const connectionStatus = (succeeded: boolean, message?: string): AirbyteMessage => ({
  type: 'CONNECTION_STATUS',
  connectionStatus: { status: succeeded ? 'SUCCEEDED' : 'FAILED', ...(message === undefined ? {} : { message }) },
});

export const logMessage = (level: 'INFO' | 'WARN' | 'ERROR' | 'DEBUG', message: string): AirbyteMessage => ({
  type: 'LOG',
  log: { level, message },
});

export const errorTrace = (message: string, failureType: FailureType, stackTrace?: string): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'ERROR',
    emitted_at: Date.now(),
    error: { message, failure_type: failureType, ...(stackTrace ? { stack_trace: stackTrace } : {}) },
  },
});

export const streamStatus = (
  name: string,
  status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE',
  namespace?: string,
): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'STREAM_STATUS',
    emitted_at: Date.now(),
    stream_status: { stream_descriptor: { name, ...(namespace ? { namespace } : {}) }, status },
  },
});

export const streamEstimate = (name: string, rows: number, bytes?: number): AirbyteMessage => ({
  type: 'TRACE',
  trace: {
    type: 'ESTIMATE',
    emitted_at: Date.now(),
    estimate: { name, type: 'STREAM', row_estimate: rows, ...(bytes === undefined ? {} : { byte_estimate: bytes }) },
  },
});

export const streamState = (name: string, state: Record<string, unknown>, recordCount: number, namespace?: string): AirbyteMessage => {
  const message: AirbyteStateMessage = {
    type: 'STREAM',
    stream: { stream_descriptor: { name, ...(namespace ? { namespace } : {}) }, stream_state: state },
    sourceStats: { recordCount },
  };
  return { type: 'STATE', state: message };
};
