// Owns following a running job without reloading: GET /jobs/{id}/events (server-sent `progress`, `status` and
// `log` events) and, when that stream errors before the job ended (an older server, a proxy that buffers), polling
// GET /jobs/{id} every 2 s instead. Calls onEnd once the job has ended, so the page can refresh its lists.
import { useEffect, useRef, useState } from 'react';
import { getJob, isRunning, jobEventsUrl, type JobProgress, type JobRow, type LogLine } from './connection-api';

export type Transport = 'events' | 'polling' | 'idle';

export interface LiveJob {
  job?: JobRow;
  progress?: JobProgress;
  /** Log lines received as events since following began (the log viewer adds them to what it fetched). */
  logs: LogLine[];
  transport: Transport;
}

const POLL_MS = 2_000;
const MAX_LIVE_LINES = 5_000;

export function useJobLive(jobId: number | undefined, onEnd: () => void): LiveJob {
  const [live, setLive] = useState<LiveJob>({ logs: [], transport: 'idle' });
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  useEffect(() => {
    setLive({ logs: [], transport: 'idle' });
    if (jobId === undefined) return;
    let stopped = false;
    let ended = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let source: EventSource | undefined;

    const finish = () => {
      if (ended) return;
      ended = true;
      source?.close();
      onEndRef.current();
    };
    const seeJob = (job: JobRow) => {
      setLive((current) => ({ ...current, job, progress: job.progress ?? current.progress }));
      if (!isRunning(job)) finish();
    };
    const poll = async () => {
      if (stopped || ended) return;
      try {
        seeJob(await getJob(jobId));
      } catch {
        // A failed poll is retried on the next tick; the page shows the last known progress meanwhile.
      }
      if (!stopped && !ended) timer = setTimeout(poll, POLL_MS);
    };
    const startPolling = () => {
      setLive((current) => ({ ...current, transport: 'polling' }));
      void poll();
    };

    if (typeof EventSource === 'undefined') {
      startPolling();
    } else {
      source = new EventSource(jobEventsUrl(jobId), { withCredentials: true });
      setLive((current) => ({ ...current, transport: 'events' }));
      source.addEventListener('progress', (event) => {
        const progress = parse<JobProgress>(event);
        if (progress) setLive((current) => ({ ...current, progress }));
      });
      source.addEventListener('status', (event) => {
        const job = parse<JobRow>(event);
        if (job) seeJob(job);
      });
      source.addEventListener('log', (event) => {
        const line = parse<LogLine>(event);
        if (line) setLive((current) => ({ ...current, logs: [...current.logs, line].slice(-MAX_LIVE_LINES) }));
      });
      // The server ends the stream once the job has ended; an error before that means events do not work here.
      source.onerror = () => {
        source?.close();
        if (!ended && !stopped) startPolling();
      };
    }
    return () => {
      stopped = true;
      source?.close();
      clearTimeout(timer);
    };
  }, [jobId]);

  return live;
}

function parse<T>(event: Event): T | undefined {
  try {
    return JSON.parse((event as MessageEvent<string>).data) as T;
  } catch {
    return undefined;
  }
}
