// Owns the small chart of a connection's finished jobs over time: records committed (left axis) and duration in
// seconds (right axis), drawn with uPlot. Loaded lazily by the connection page, so uPlot stays out of the main chunk.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { JobRow } from '../lib/connection-api';

// Plot, x axis and legend: about 140 px are left for the lines.
const HEIGHT = 240;

/** Both y axes start at zero, so that the heights compare (a job of 30 records is not drawn at twice one of 28). */
const fromZero = (_chart: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, max > 0 ? max * 1.15 : 1];

export default function JobChart({ jobs }: { jobs: JobRow[] }) {
  const box = useRef<HTMLDivElement>(null);
  const finished = jobs.filter((job) => job.finishedAt !== null).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));

  useEffect(() => {
    const element = box.current;
    if (!element || finished.length === 0) return;
    // One point per job, at its number: jobs a few seconds or a few days apart are spaced alike, and the x axis
    // labels only job numbers (a time axis labelled milliseconds for jobs run in a row, days for a daily schedule).
    const ids = finished.map((job) => job.id);
    const data: uPlot.AlignedData = [
      ids,
      finished.map((job) => job.recordsCommitted),
      finished.map((job) => (Date.parse(job.finishedAt!) - Date.parse(job.createdAt)) / 1000),
    ];
    const options: uPlot.Options = {
      width: Math.max(280, element.clientWidth),
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: false, range: (_chart, min, max) => [min - 0.5, max + 0.5] },
        records: { range: fromZero },
        seconds: { range: fromZero },
      },
      series: [
        { label: 'Job' },
        { label: 'Records committed', scale: 'records', stroke: '#2563eb', width: 2, points: { show: true, size: 6 } },
        { label: 'Duration (s)', scale: 'seconds', stroke: '#a15c07', width: 2, dash: [5, 4], points: { show: true, size: 6 } },
      ],
      axes: [
        { label: 'job', splits: () => ids, values: (_chart, splits) => splits.map((id) => `#${id}`), grid: { show: false } },
        { scale: 'records', label: 'records', size: 60 },
        { scale: 'seconds', label: 'seconds', side: 1, size: 50, grid: { show: false } },
      ],
    };
    const chart = new uPlot(options, data, element);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [finished.map((job) => `${job.id}:${job.recordsCommitted}:${job.finishedAt}`).join(',')]);

  if (finished.length === 0) return <p className="muted">The chart appears once a job has finished.</p>;
  const last = finished[finished.length - 1]!;
  return (
    <figure className="chart">
      <div ref={box} role="img"
        aria-label={`Records committed and duration of the last ${finished.length} finished jobs; the latest, job ${last.id}, committed ${last.recordsCommitted} records`} />
      <figcaption className="muted small">Records committed and duration per finished job</figcaption>
    </figure>
  );
}
