// Owns reading a job's log: the lines GET /jobs/{id}/logs returns (already masked by the server) and, while the
// job runs, the `log` events that follow them; it keeps to the newest line unless the reader scrolled up.
import { useLayoutEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { jobLogs, type LogLine } from '../lib/connection-api';
import type { Transport } from '../lib/use-job-live';
import { errorText } from '../lib/error-text';

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
/** How close to the bottom (px) still counts as "at the newest line". */
const STICKY_PX = 24;

interface Props {
  jobId: number;
  running: boolean;
  /** Lines received as events while the job runs; empty for a job that ended. */
  liveLines: LogLine[];
  transport: Transport;
  onClose: () => void;
}

export function LogViewer({ jobId, running, liveLines, transport, onClose }: Props) {
  const logs = useQuery({
    queryKey: ['job-logs', jobId],
    queryFn: () => jobLogs(jobId),
    refetchInterval: running && transport !== 'events' ? 2_000 : false,
  });
  const lines = merge(logs.data?.lines ?? [], running ? liveLines : []);
  const box = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);

  useLayoutEffect(() => {
    if (following && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines.length, following]);

  const onScroll = () => {
    const element = box.current;
    if (element) setFollowing(element.scrollTop + element.clientHeight >= element.scrollHeight - STICKY_PX);
  };

  return (
    <section className="panel" aria-labelledby="log-title">
      <header className="panel-header">
        <h2 id="log-title">Log of job {jobId}{running && <span className="muted small"> (following)</span>}</h2>
        <div className="actions">
          {!following && <button type="button" onClick={() => setFollowing(true)}>Jump to the newest line</button>}
          <button type="button" onClick={onClose}>Close the log</button>
        </div>
      </header>
      {logs.isError && <p role="alert" className="error">Could not load the log of job {jobId}: {errorText(logs.error)}</p>}
      {logs.isPending ? (
        <p aria-busy="true">Loading the log…</p>
      ) : (
        <div ref={box} className="log" role="log" aria-label={`Log of job ${jobId}`} tabIndex={0} onScroll={onScroll}>
          {lines.length === 0 && <p className="muted">The log is empty.</p>}
          {lines.map((line, index) => <Line key={index} line={line} />)}
        </div>
      )}
    </section>
  );
}

function Line({ line }: { line: LogLine }) {
  const level = typeof line.level === 'number' ? LEVELS[line.level] ?? String(line.level) : line.level ?? 'info';
  const time = line.time === undefined ? '' : new Date(line.time).toLocaleTimeString(undefined, { hour12: false });
  return (
    <div className={`log-line level-${level}`}>
      <span className="log-time">{time}</span> <span className="log-level">{level}</span>{' '}
      {line.connector && <span className="log-connector">[{line.connector}]</span>} {line.msg ?? JSON.stringify(line)}
    </div>
  );
}

/** The fetched lines, then the live ones not already among them (a line fetched after it also arrived as an event). */
function merge(fetched: LogLine[], live: LogLine[]): LogLine[] {
  if (live.length === 0) return fetched;
  const seen = new Set(fetched.map(lineKey));
  return [...fetched, ...live.filter((line) => !seen.has(lineKey(line)))];
}

const lineKey = (line: LogLine): string => `${String(line.time)}|${String(line.level)}|${line.msg ?? ''}`;
