// GENERATED FILE, DO NOT EDIT.
// Generated from schemas/airbyte-protocol.schema.json by scripts/generate-types.mjs.
// To change these types, edit the schema and run `npm run generate:types`.

/**
 * One line of connector input or output. `type` names the one payload field that is filled in: RECORD → record, STATE → state, LOG → log, SPEC → spec, CONNECTION_STATUS → connectionStatus (camelCase), CATALOG → catalog, TRACE → trace, CONTROL → control, DESTINATION_CATALOG → destination_catalog.
 */
export interface AirbyteMessage {
  /**
   * Which payload field this message carries.
   */
  type:
    'RECORD' | 'STATE' | 'LOG' | 'SPEC' | 'CONNECTION_STATUS' | 'CATALOG' | 'TRACE' | 'CONTROL' | 'DESTINATION_CATALOG';
  record?: AirbyteRecordMessage;
  state?: AirbyteStateMessage;
  log?: AirbyteLogMessage;
  spec?: ConnectorSpecification;
  connectionStatus?: AirbyteConnectionStatus;
  catalog?: AirbyteCatalog;
  trace?: AirbyteTraceMessage;
  control?: AirbyteControlMessage;
  destination_catalog?: DestinationCatalog;
  [k: string]: unknown;
}

/**
 * One row of one stream.
 */
export interface AirbyteRecordMessage {
  /**
   * Name of the stream the row belongs to.
   */
  stream: string;
  /**
   * Namespace of the stream, when it has one.
   */
  namespace?: string;
  /**
   * The row itself.
   */
  data: {
    [k: string]: unknown;
  };
  /**
   * When the source read the row, in milliseconds since the epoch (a whole number).
   */
  emitted_at: number;
  meta?: AirbyteRecordMessageMeta;
  file_reference?: AirbyteRecordMessageFileReference;
  [k: string]: unknown;
}

/**
 * Bookkeeping attached to a record during a sync.
 */
export interface AirbyteRecordMessageMeta {
  /**
   * Fields that were altered, and why.
   */
  changes?: AirbyteRecordMessageMetaChange[];
  [k: string]: unknown;
}

/**
 * One field of a record that was altered.
 */
export interface AirbyteRecordMessageMetaChange {
  /**
   * The altered field.
   */
  field: string;
  /**
   * What was done to it.
   */
  change: 'NULLED' | 'TRUNCATED';
  /**
   * Who altered it, and because of what limit or failure.
   */
  reason:
    | 'SOURCE_RECORD_SIZE_LIMITATION'
    | 'DESTINATION_RECORD_SIZE_LIMITATION'
    | 'PLATFORM_RECORD_SIZE_LIMITATION'
    | 'SOURCE_FIELD_SIZE_LIMITATION'
    | 'DESTINATION_FIELD_SIZE_LIMITATION'
    | 'PLATFORM_FIELD_SIZE_LIMITATION'
    | 'SOURCE_SERIALIZATION_ERROR'
    | 'DESTINATION_SERIALIZATION_ERROR'
    | 'PLATFORM_SERIALIZATION_ERROR'
    | 'SOURCE_RETRIEVAL_ERROR'
    | 'DESTINATION_TYPECAST_ERROR';
  [k: string]: unknown;
}

/**
 * A file moved alongside a record.
 */
export interface AirbyteRecordMessageFileReference {
  /**
   * Absolute path of the staged copy.
   */
  staging_file_url?: string;
  /**
   * Path of the file in the source.
   */
  source_file_relative_path?: string;
  /**
   * Size of the file in bytes.
   */
  file_size_bytes?: number;
  [k: string]: unknown;
}

/**
 * A checkpoint: everything before it may be committed, and reading can resume from it. Every field is optional; without `type` the state is LEGACY and lives in `data`. sourceStats and destinationStats are camelCase.
 */
export interface AirbyteStateMessage {
  type?: AirbyteStateType;
  stream?: AirbyteStreamState;
  global?: AirbyteGlobalState;
  /**
   * Deprecated: the whole state as one blob (type LEGACY).
   */
  data?: {
    [k: string]: unknown;
  };
  sourceStats?: AirbyteStateStats;
  destinationStats?: AirbyteStateStats;
  [k: string]: unknown;
}

/**
 * GLOBAL reads `global`, STREAM reads `stream`, LEGACY reads `data`.
 */
export type AirbyteStateType = 'GLOBAL' | 'STREAM' | 'LEGACY';

/**
 * The checkpoint of one stream.
 */
export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: AirbyteStateBlob;
  [k: string]: unknown;
}

/**
 * A checkpoint spanning all streams, e.g. a change-data-capture position plus per-stream states.
 */
export interface AirbyteGlobalState {
  shared_state?: AirbyteStateBlob;
  /**
   * The state of each stream.
   */
  stream_states: AirbyteStreamState[];
  [k: string]: unknown;
}

/**
 * Names a stream: its name, plus its namespace when it has one.
 */
export interface StreamDescriptor {
  name: string;
  namespace?: string;
  [k: string]: unknown;
}

/**
 * Opaque state data; only the connector that wrote it understands it.
 */
export interface AirbyteStateBlob {
  [k: string]: unknown;
}

/**
 * Record counts since the previous checkpoint. Whole numbers in practice, typed as numbers so they never overflow.
 */
export interface AirbyteStateStats {
  /**
   * Records emitted.
   */
  recordCount?: number;
  /**
   * Records rejected.
   */
  rejectedRecordCount?: number;
  [k: string]: unknown;
}

/**
 * A log line meant for the person running the sync.
 */
export interface AirbyteLogMessage {
  level: 'FATAL' | 'ERROR' | 'WARN' | 'INFO' | 'DEBUG' | 'TRACE';
  message: string;
  /**
   * Stack trace, when the log is about an exception.
   */
  stack_trace?: string;
  [k: string]: unknown;
}

/**
 * Structured news about a run: an error, an estimate, a stream's status, or an analytics event.
 */
export interface AirbyteTraceMessage {
  /**
   * Which of the fields below is filled in.
   */
  type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';
  /**
   * When it was emitted, in milliseconds since the epoch (may have a fraction).
   */
  emitted_at: number;
  error?: AirbyteErrorTraceMessage;
  estimate?: AirbyteEstimateTraceMessage;
  stream_status?: AirbyteStreamStatusTraceMessage;
  analytics?: AirbyteAnalyticsTraceMessage;
  [k: string]: unknown;
}

/**
 * Why a connector failed.
 */
export interface AirbyteErrorTraceMessage {
  /**
   * What to tell the user.
   */
  message: string;
  /**
   * The underlying technical error.
   */
  internal_message?: string;
  stack_trace?: string;
  /**
   * Whose problem it is: ours (system), the user's configuration, or a passing one worth retrying.
   */
  failure_type?: 'system_error' | 'config_error' | 'transient_error';
  stream_descriptor?: StreamDescriptor;
  [k: string]: unknown;
}

/**
 * How much data the source expects to emit, for one stream or for the whole sync (never both in one sync).
 */
export interface AirbyteEstimateTraceMessage {
  /**
   * Stream name.
   */
  name: string;
  /**
   * Scope of the estimate.
   */
  type: 'STREAM' | 'SYNC';
  namespace?: string;
  row_estimate?: number;
  byte_estimate?: number;
  [k: string]: unknown;
}

/**
 * Where a stream is in its run: STARTED (nothing read yet), RUNNING, COMPLETE, or INCOMPLETE (stopped early).
 */
export type AirbyteStreamStatus = 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';

export type AirbyteStreamStatusReasonType = 'RATE_LIMITED';

/**
 * The stream is waiting for an API quota.
 */
export interface AirbyteStreamStatusRateLimitedReason {
  /**
   * When the quota resets, in epoch milliseconds.
   */
  quota_reset?: number;
  [k: string]: unknown;
}

/**
 * Why a stream has the status it reports.
 */
export interface AirbyteStreamStatusReason {
  type: AirbyteStreamStatusReasonType;
  rate_limited?: AirbyteStreamStatusRateLimitedReason;
  [k: string]: unknown;
}

/**
 * A stream's status changed.
 */
export interface AirbyteStreamStatusTraceMessage {
  stream_descriptor: StreamDescriptor;
  status: AirbyteStreamStatus;
  reasons?: AirbyteStreamStatusReason[];
  [k: string]: unknown;
}

/**
 * A usage event about the connector's internals: a fixed event name and an optional string value.
 */
export interface AirbyteAnalyticsTraceMessage {
  /**
   * Event name; a constant, never built at run time.
   */
  type: string;
  /**
   * Event value, as a string even when numeric.
   */
  value?: string;
  [k: string]: unknown;
}

/**
 * A request from the connector to the platform. For CONNECTOR_CONFIG, `connectorConfig` (camelCase) holds the configuration to save.
 */
export interface AirbyteControlMessage {
  type: 'CONNECTOR_CONFIG';
  /**
   * When it was emitted, in milliseconds since the epoch (may have a fraction).
   */
  emitted_at: number;
  connectorConfig?: AirbyteControlConnectorConfigMessage;
  [k: string]: unknown;
}

/**
 * A configuration the connector wants persisted, e.g. after rotating a token.
 */
export interface AirbyteControlConnectorConfigMessage {
  /**
   * The new configuration.
   */
  config: {
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/**
 * The answer to `check`.
 */
export interface AirbyteConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  /**
   * Why, usually when FAILED.
   */
  message?: string;
  [k: string]: unknown;
}

/**
 * The streams a source offers; the answer to `discover`.
 */
export interface AirbyteCatalog {
  streams: AirbyteStream[];
  [k: string]: unknown;
}

/**
 * One stream a source can read.
 */
export interface AirbyteStream {
  /**
   * Stream name; any string.
   */
  name: string;
  /**
   * Source-side grouping, e.g. a database schema.
   */
  namespace?: string;
  /**
   * JSON Schema of one row; its top level is an object.
   */
  json_schema: {
    [k: string]: unknown;
  };
  /**
   * How the stream can be read; at least one.
   *
   * @minItems 1
   */
  supported_sync_modes: SyncMode[];
  /**
   * True when the source picks the cursor itself, so a configured cursor is ignored.
   */
  source_defined_cursor?: boolean;
  /**
   * Path to the cursor the source suggests.
   */
  default_cursor_field?: string[];
  /**
   * The primary key as a list of field paths, when the source knows it.
   */
  source_defined_primary_key?: string[][];
  /**
   * True when an interrupted full refresh can resume from a state.
   */
  is_resumable?: boolean;
  /**
   * True when the stream describes files.
   */
  is_file_based?: boolean;
  [k: string]: unknown;
}

/**
 * The streams chosen for a sync, each with how to read and write it.
 */
export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
  [k: string]: unknown;
}

/**
 * One chosen stream and its settings.
 */
export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: DestinationSyncMode;
  /**
   * Path to the cursor; needed for incremental reads unless the source defines one.
   */
  cursor_field?: string[];
  /**
   * Primary key as a list of field paths; needed for append_dedup.
   */
  primary_key?: string[][];
  /**
   * Generation of the stream's data; grows with each refresh. Absent when refreshes are not in use.
   */
  generation_id?: number;
  /**
   * Destinations delete data older than this generation (0: delete nothing).
   */
  minimum_generation_id?: number;
  /**
   * Identifies the current sync; grows with each sync.
   */
  sync_id?: number;
  /**
   * For file-based streams: also move the files themselves.
   */
  include_files?: boolean;
  /**
   * Name of the destination object to write to (data activation).
   */
  destination_object_name?: string;
  [k: string]: unknown;
}

/**
 * How a source reads a stream: everything each time, or only what changed since the last state.
 */
export type SyncMode = 'full_refresh' | 'incremental';

/**
 * How a destination writes a stream.
 */
export type DestinationSyncMode = 'append' | 'overwrite' | 'append_dedup' | 'update' | 'soft_delete';

/**
 * What a destination can write to; its answer to `discover`.
 */
export interface DestinationCatalog {
  operations: DestinationOperation[];
  [k: string]: unknown;
}

/**
 * One way to write to one destination object.
 */
export interface DestinationOperation {
  object_name: string;
  sync_mode: DestinationSyncMode;
  /**
   * JSON Schema of what the object accepts.
   */
  json_schema: {
    [k: string]: unknown;
  };
  /**
   * Field paths that can identify an existing row, each a list of keys.
   */
  matching_keys?: string[][];
  [k: string]: unknown;
}

/**
 * What a connector is and what configuration it takes; the answer to `spec`.
 */
export interface ConnectorSpecification {
  /**
   * JSON Schema the connector's configuration must satisfy.
   */
  connectionSpecification: {
    [k: string]: unknown;
  };
  documentationUrl?: string;
  changelogUrl?: string;
  /**
   * Protocol version the connector speaks, as SemVer; 0.2.0 when missing.
   */
  protocol_version?: string;
  /**
   * Deprecated.
   */
  supportsIncremental?: boolean;
  supportsNormalization?: boolean;
  supportsDBT?: boolean;
  /**
   * For destinations: the write modes they implement.
   */
  supported_destination_sync_modes?: DestinationSyncMode[];
  authSpecification?: AuthSpecification;
  advanced_auth?: AdvancedAuth;
  [k: string]: unknown;
}

/**
 * Deprecated description of an OAuth flow.
 */
export interface AuthSpecification {
  auth_type?: 'oauth2.0';
  oauth2Specification?: OAuth2Specification;
  [k: string]: unknown;
}

/**
 * Deprecated: where OAuth inputs and outputs live in the configuration.
 */
export interface OAuth2Specification {
  /**
   * Path to the configuration object holding the OAuth fields; indexes select oneOf branches.
   */
  rootObject?: (string | number)[];
  /**
   * Field paths, under rootObject, that start the flow.
   */
  oauthFlowInitParameters?: string[][];
  /**
   * Field paths, under rootObject, the flow fills in.
   */
  oauthFlowOutputParameters?: string[][];
  [k: string]: unknown;
}

/**
 * Optional extra: lets a UI run an OAuth flow instead of asking for every credential. The connector must work without it.
 */
export interface AdvancedAuth {
  auth_flow_type?: 'oauth2.0' | 'oauth1.0';
  /**
   * Path to a configuration field that decides whether the flow applies.
   */
  predicate_key?: string[];
  /**
   * The value that field must have for the flow to apply.
   */
  predicate_value?: string;
  oauth_config_specification?: OAuthConfigSpecification;
  [k: string]: unknown;
}

/**
 * JSON Schemas (and a template) describing the inputs and outputs of an OAuth flow.
 */
export interface OAuthConfigSpecification {
  /**
   * Schema of the configuration fields the user supplies to the flow.
   */
  oauth_user_input_from_connector_config_specification?: {
    [k: string]: unknown;
  };
  oauth_connector_input_specification?: OAuthConnectorInputSpecification;
  /**
   * Schema of what the flow returns, merged back into the configuration.
   */
  complete_oauth_output_specification?: {
    [k: string]: unknown;
  };
  /**
   * Schema of the server-side settings (e.g. client id and secret) the flow needs.
   */
  complete_oauth_server_input_specification?: {
    [k: string]: unknown;
  };
  /**
   * The part of the server-side settings that is merged into the configuration.
   */
  complete_oauth_server_output_specification?: {
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/**
 * A declarative OAuth flow: URL templates plus key-name overrides.
 */
export interface OAuthConnectorInputSpecification {
  /**
   * Template of the URL that starts the consent step.
   */
  consent_url: string;
  /**
   * Template of the URL that exchanges the code for tokens.
   */
  access_token_url: string;
  scope?: string;
  access_token_headers?: {
    [k: string]: unknown;
  };
  access_token_params?: {
    [k: string]: unknown;
  };
  /**
   * Keys to copy from the token response into the configuration.
   */
  extract_output?: string[];
  /**
   * Length bounds of the generated state parameter.
   */
  state?: {
    min?: number;
    max?: number;
    [k: string]: unknown;
  };
  client_id_key?: string;
  client_secret_key?: string;
  scope_key?: string;
  state_key?: string;
  auth_code_key?: string;
  redirect_uri_key?: string;
  token_expiry_key?: string;
  [k: string]: unknown;
}

/**
 * The name of every definition in the protocol schema.
 */
export type ProtocolDefinitionName =
  | 'AirbyteMessage'
  | 'AirbyteRecordMessage'
  | 'AirbyteRecordMessageMeta'
  | 'AirbyteRecordMessageMetaChange'
  | 'AirbyteRecordMessageFileReference'
  | 'AirbyteStateMessage'
  | 'AirbyteStateType'
  | 'AirbyteStreamState'
  | 'AirbyteGlobalState'
  | 'StreamDescriptor'
  | 'AirbyteStateBlob'
  | 'AirbyteStateStats'
  | 'AirbyteLogMessage'
  | 'AirbyteTraceMessage'
  | 'AirbyteErrorTraceMessage'
  | 'AirbyteEstimateTraceMessage'
  | 'AirbyteStreamStatus'
  | 'AirbyteStreamStatusReasonType'
  | 'AirbyteStreamStatusRateLimitedReason'
  | 'AirbyteStreamStatusReason'
  | 'AirbyteStreamStatusTraceMessage'
  | 'AirbyteAnalyticsTraceMessage'
  | 'AirbyteControlMessage'
  | 'AirbyteControlConnectorConfigMessage'
  | 'AirbyteConnectionStatus'
  | 'AirbyteCatalog'
  | 'AirbyteStream'
  | 'ConfiguredAirbyteCatalog'
  | 'ConfiguredAirbyteStream'
  | 'SyncMode'
  | 'DestinationSyncMode'
  | 'DestinationCatalog'
  | 'DestinationOperation'
  | 'ConnectorSpecification'
  | 'AuthSpecification'
  | 'OAuth2Specification'
  | 'AdvancedAuth'
  | 'OAuthConfigSpecification'
  | 'OAuthConnectorInputSpecification';
