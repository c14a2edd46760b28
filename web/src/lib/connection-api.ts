// Owns the connection pages' view of the REST API: the shapes they read (a job's detail, live progress, log lines,
// state, a discovered catalog) and the requests they make. Shapes follow notes on the dashboard contract: some
// fields (progress, lastJob) come from routes being added, so they are optional here.
import { enc, get, patch, post, type Page } from '../api';
import type { Actor, Connection, FollowStats, Job } from '../types';
import type { DiscoveredStream, StreamOverride } from './sync-modes';

export type { Actor, Connection, FollowStats, Job };

/** A job: `attempts` is always the number of attempts; GET /jobs/{id} lists them in `attemptHistory`. */
export interface JobRow extends Omit<Job, 'id' | 'connectionId'> {
  id: number;
  connectionId: number | string;
  attemptHistory?: JobAttempt[];
  cancelRequested?: boolean;
  progress?: JobProgress;
  /** Once it ends (GET /jobs/{id}): its numbers per stream. */
  summary?: { recordsWritten?: number; streams: StreamSummaryStats[] } | null;
}

export interface StreamSummaryStats {
  stream: string;
  recordsEmitted: number;
  recordsCommitted: number;
  /** Absent in summaries stored before mappers existed. */
  recordsFiltered?: number;
}

export interface JobAttempt {
  number: number;
  status: string;
  recordsEmitted: number;
  recordsCommitted: number;
  failureCode: string | null;
  failureMessage: string | null;
}

export interface StreamProgress {
  name: string;
  recordsEmitted: number;
  bytesEmitted: number;
  recordsCommitted: number;
  /** Records a mapper's filter dropped so far; absent when none were. */
  recordsFiltered?: number;
  estimate?: number;
  status?: string;
}

export interface JobProgress {
  streams: StreamProgress[];
  recordsPerSecond: number;
  /** A following job's figures as of this event (continuous connections). */
  follow?: FollowStats | null;
}

export interface LogLine {
  time?: number | string;
  level?: number | string;
  msg?: string;
  connector?: string;
  [field: string]: unknown;
}

export interface StateMessage {
  type?: string;
  stream?: { stream_descriptor?: { name: string; namespace?: string }; stream_state?: unknown };
  global?: unknown;
  data?: unknown;
}

export interface ConnectionDetail extends Omit<Connection, 'id'> {
  id: number | string;
  lastJob?: JobRow | null;
}

export interface CreateConnectionBody {
  name: string;
  source: string;
  destination: string;
  streams: string[];
  overrides: Record<string, StreamOverride>;
  schedule: string | null;
  namespace?: string;
  streamPrefix?: string;
  schemaChangePolicy: string;
}

export const SCHEMA_CHANGE_POLICIES = [
  { value: 'ignore', label: 'Ignore: sync the streams as configured, report the change' },
  { value: 'propagate', label: 'Propagate: add new streams, drop removed ones, take new schemas' },
  { value: 'pause', label: 'Pause: disable the connection; the job fails' },
];

export const attemptCount = (job: JobRow): number => job.attempts;

export const isRunning = (job: { status: string } | null | undefined): boolean => job?.status === 'running';

const connectionPath = (name: string): string => `/connections/${enc(name)}`;

export const listSources = () => get<Page<Actor>>('/sources?limit=500');
export const listDestinations = () => get<Page<Actor>>('/destinations?limit=500');
export const discoverSource = (name: string) => post<{ catalog: { streams: DiscoveredStream[] } }>(`/sources/${enc(name)}/discover`);
export const createConnection = (body: CreateConnectionBody) => post<ConnectionDetail>('/connections', body);

export const getConnection = (name: string) => get<ConnectionDetail>(connectionPath(name));
export const updateConnection = (name: string, body: { schedule?: string | null; schemaChangePolicy?: string; status?: string }) =>
  patch<ConnectionDetail>(connectionPath(name), body);
export const setEnabled = (name: string, enabled: boolean) => post<ConnectionDetail>(`${connectionPath(name)}/${enabled ? 'enable' : 'disable'}`);
export const syncNow = (name: string) => post<{ job?: JobRow; queued?: unknown }>(`${connectionPath(name)}/sync`);
export const connectionJobs = (name: string) => get<Page<JobRow>>(`${connectionPath(name)}/jobs?limit=100`);
export const connectionState = (name: string) => get<{ connection: string; state: StateMessage[] }>(`${connectionPath(name)}/state`);
export const resetState = (name: string, stream?: string) =>
  post<{ reset: string }>(`${connectionPath(name)}/state/reset`, stream === undefined ? {} : { stream });

export const getJob = (id: number) => get<JobRow>(`/jobs/${id}`);
export const cancelJob = (id: number) => post<JobRow>(`/jobs/${id}/cancel`);
export const jobLogs = (id: number) => get<{ job: number; lines: LogLine[] }>(`/jobs/${id}/logs`);
export const jobEventsUrl = (id: number): string => `/api/v1/jobs/${id}/events`;
