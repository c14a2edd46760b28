// Owns a connection's page: source → destination with its state, the actions (sync now, cancel the running job,
// reset state, enable/disable), the running job's live progress, the job history with its chart and log viewer,
// the streams with their modes, their mappers (viewed and edited), the stored state, and the editable settings.
// A continuous connection's job follows its source: its figures are shown live, and cancelling it is "Stop".
import { Suspense, lazy, useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'wouter';
import { ApiError } from '../api';
import { StatusBadge, connectionState } from '../components/StatusBadge';
import { JobProgress } from '../components/JobProgress';
import { JobHistory } from '../components/JobHistory';
import { LogViewer } from '../components/LogViewer';
import { StateView } from '../components/StateView';
import { ResetStateDialog } from '../components/ResetStateDialog';
import { ConnectionSettings } from '../components/ConnectionSettings';
import { StreamsTable } from '../components/StreamsTable';
import { JobStreams } from '../components/JobStreams';
import {
  cancelJob, connectionJobs, connectionState as loadState, getConnection, isRunning, setEnabled, syncNow, type JobRow,
} from '../lib/connection-api';
import { errorText } from '../lib/error-text';
import { isFollowing } from '../lib/follow';
import { describeStoredSchedule, isContinuous } from '../lib/schedule-input';
import { useJobLive } from '../lib/use-job-live';
import type { Connection, Job } from '../types';

const JobChart = lazy(() => import('../components/JobChart'));
const MappersSection = lazy(() => import('../mappers/MappersSection'));

export function ConnectionPage() {
  const params = useParams<{ name: string }>();
  const name = decodeURIComponent(params.name);
  const queries = useQueryClient();
  const connection = useQuery({ queryKey: ['connection', name], queryFn: () => getConnection(name), refetchInterval: 10_000 });
  // A queued run (a worker starts it, or a slot frees up) is looked for every second until its job appears.
  const [queuedAfterJob, setQueuedAfterJob] = useState<number>();
  const queuedNote = queuedAfterJob !== undefined;
  const jobs = useQuery({ queryKey: ['connection-jobs', name], queryFn: () => connectionJobs(name), refetchInterval: queuedNote ? 1_000 : 5_000, enabled: connection.isSuccess });
  const state = useQuery({ queryKey: ['connection-state', name], queryFn: () => loadState(name), enabled: connection.isSuccess });

  const [startedJobId, setStartedJobId] = useState<number>();
  const [openJobId, setOpenJobId] = useState<number>();
  const [resetting, setResetting] = useState(false);

  const refresh = () => {
    void queries.invalidateQueries({ queryKey: ['connection', name] });
    void queries.invalidateQueries({ queryKey: ['connection-jobs', name] });
    void queries.invalidateQueries({ queryKey: ['connection-state', name] });
    void queries.invalidateQueries({ queryKey: ['connections'] });
  };
  const newestJobId = jobs.data?.data[0]?.id;
  useEffect(() => {
    if (queuedAfterJob !== undefined && newestJobId !== undefined && newestJobId > queuedAfterJob) setQueuedAfterJob(undefined);
  }, [queuedAfterJob, newestJobId]);
  const runningRow = jobs.data?.data.find((job) => isRunning(job));
  const liveJobId = runningRow?.id ?? startedJobId;
  const live = useJobLive(liveJobId, () => {
    setStartedJobId(undefined);
    refresh();
    if (liveJobId !== undefined) void queries.invalidateQueries({ queryKey: ['job-logs', liveJobId] });
  });
  const runningJob: JobRow | undefined = live.job?.id === liveJobId && live.job ? live.job : runningRow;
  const running = runningJob !== undefined && isRunning(runningJob);
  // Records are committed with the states that cover them: when the count grows, so has the stored state.
  const liveCommitted = live.progress?.streams.reduce((total, stream) => total + stream.recordsCommitted, 0) ?? 0;
  useEffect(() => {
    if (liveCommitted > 0) void queries.invalidateQueries({ queryKey: ['connection-state', name] });
  }, [liveCommitted, name, queries]);

  const sync = useMutation({
    mutationFn: () => syncNow(name),
    onSuccess: (result) => {
      // The newest job now: the queued run's job is the first one after it.
      setQueuedAfterJob(result.job === undefined ? (jobs.data?.data[0]?.id ?? 0) : undefined);
      if (result.job) setStartedJobId(result.job.id);
      refresh();
    },
  });
  const cancel = useMutation({ mutationFn: () => cancelJob(runningJob!.id), onSuccess: refresh });
  const toggle = useMutation({
    mutationFn: (enable: boolean) => setEnabled(name, enable),
    onSuccess: (updated) => {
      queries.setQueryData(['connection', name], updated);
      refresh();
    },
  });

  if (connection.isPending) return <p aria-busy="true">Loading connection {name}…</p>;
  if (connection.isError) {
    const missing = connection.error instanceof ApiError && connection.error.status === 404;
    return (
      <section>
        <h1>{name}</h1>
        <p role="alert" className="error">{missing ? `There is no connection named ${name}.` : `Could not load connection ${name}: ${errorText(connection.error)}`}</p>
        <p><Link href="/">Back to connections</Link></p>
      </section>
    );
  }
  const current = connection.data;
  // The running job's row as its events last told it (a new attempt shows at once, not at the list's next refetch).
  const history = (jobs.data?.data ?? []).map((job) => (live.job?.id === job.id && isRunning(job) ? { ...job, attempts: Math.max(job.attempts, live.job.attempts) } : job));
  const lastJob = runningJob ?? history[0] ?? current.lastJob ?? undefined;
  const enabled = current.status === 'active';
  const actionError = sync.error ?? cancel.error ?? toggle.error;
  const openJob = history.find((job) => job.id === openJobId);
  const following = running && isFollowing(current.schedule, runningJob);
  // A stopped continuous connection is not started again by the scheduler until someone asks (contract, issue 15).
  const stopped = isContinuous(current.schedule) && enabled && !running && lastJob?.status === 'cancelled';

  return (
    <section>
      <header className="page-header">
        <div>
          <p className="breadcrumb"><Link href="/">Connections</Link> /</p>
          <h1>{current.name} <StatusBadge state={connectionState(current as unknown as Connection, lastJob as unknown as Job | undefined)} /></h1>
          <p className="subtitle">
            <span>{current.source}</span> <span aria-hidden="true">→</span><span className="sr-only">to</span> <span>{current.destination}</span>
            <span className="muted"> · {describeStoredSchedule(current.schedule)}</span>
          </p>
          {current.statusReason && <p className="warn-text">Disabled: {current.statusReason}</p>}
        </div>
        <div className="actions">
          <button type="button" className="primary" onClick={() => sync.mutate()} disabled={running || sync.isPending}>
            {sync.isPending ? 'Starting…' : 'Sync now'}
          </button>
          {running && (
            <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending || runningJob?.cancelRequested === true}>
              {following ? (cancel.isPending ? 'Stopping…' : 'Stop') : cancel.isPending ? 'Cancelling…' : 'Cancel sync'}
            </button>
          )}
          <button type="button" onClick={() => setResetting(true)} disabled={running} title={running ? 'Wait for the running job to end' : undefined}>
            Reset data/state
          </button>
          <button type="button" onClick={() => toggle.mutate(!enabled)} disabled={toggle.isPending}>{enabled ? 'Disable' : 'Enable'}</button>
        </div>
      </header>
      {actionError && <p role="alert" className="error">{errorText(actionError)}</p>}
      {queuedNote && <p role="status" className="muted">The job is queued: it starts as soon as a worker has room.</p>}
      {stopped && !sync.isPending && <p role="status" className="muted">Stopped: it follows the source again once you press Sync now (or disable and enable it).</p>}
      {resetting && (
        <ResetStateDialog connection={name} streams={current.streams.map((stream) => (stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name))}
          onClose={() => setResetting(false)} onDone={() => { setResetting(false); refresh(); }} />
      )}

      {running && runningJob && <JobProgress job={runningJob} progress={live.progress} transport={live.transport} following={following} />}

      <section aria-labelledby="jobs-title">
        <h2 id="jobs-title">Jobs</h2>
        {jobs.isError && <p role="alert" className="error">Could not load the jobs: {errorText(jobs.error)}</p>}
        {history.length > 1 && (
          <Suspense fallback={<p className="muted">Loading the chart…</p>}>
            <JobChart jobs={history} />
          </Suspense>
        )}
        <JobHistory jobs={history} openJobId={openJobId} onOpen={(id) => setOpenJobId(id === openJobId ? undefined : id)}
          liveRecords={running && live.progress ? { jobId: runningJob.id, recordsCommitted: liveCommitted } : undefined} />
        {openJobId !== undefined && !(openJobId === liveJobId && running) && <JobStreams key={openJobId} jobId={openJobId} />}
        {openJobId !== undefined && (
          <LogViewer key={openJobId} jobId={openJobId} running={openJobId === liveJobId && running}
            liveLines={openJobId === liveJobId ? live.logs : []} transport={live.transport} onClose={() => setOpenJobId(undefined)} />
        )}
        {openJobId !== undefined && !openJob && jobs.isSuccess && <p className="muted">Job {openJobId} is not among the last 100 jobs.</p>}
      </section>

      <section aria-labelledby="streams-title">
        <h2 id="streams-title">Streams</h2>
        <StreamsTable streams={current.streams} namespace={current.namespace} prefix={current.streamPrefix} />
      </section>

      <section aria-labelledby="mappers-title">
        <h2 id="mappers-title">Mappers</h2>
        <p className="muted">Steps applied in order to each record of a stream between source and destination: select, rename, hash, encrypt, filter, or compute with JSONata.</p>
        <Suspense fallback={<p className="muted">Loading the mappers…</p>}>
          <MappersSection connection={current} onSaved={(updated) => { queries.setQueryData(['connection', name], updated); refresh(); }} />
        </Suspense>
      </section>

      <section aria-labelledby="state-title">
        <h2 id="state-title">State</h2>
        {state.isError && <p role="alert" className="error">Could not load the state: {errorText(state.error)}</p>}
        {state.isPending && <p aria-busy="true" className="muted">Loading the state…</p>}
        {state.data && <StateView state={state.data.state} />}
      </section>

      <section aria-labelledby="settings-title">
        <h2 id="settings-title">Settings</h2>
        <ConnectionSettings connection={current} onSaved={(updated) => { queries.setQueryData(['connection', name], updated); refresh(); }} />
      </section>
    </section>
  );
}
