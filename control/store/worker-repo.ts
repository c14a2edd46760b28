// Owns the workers table: a worker process registers when it starts (its row replaced if the same id ran before),
// beats while it runs, and marks itself stopped when it stops; a worker whose heartbeat is older than the stale
// limit is listed as not live. A worker's labels (the label queues it takes runs from) are stored as a JSON array.
import type { Driver, Row } from './driver.js';

export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  concurrency: number;
  /** The labels it was started with (`sluice worker --label`); empty for a worker that takes unlabelled runs only. */
  labels: string[];
  running: number;
  stoppedAt: number | null;
}

export class WorkerRepo {
  constructor(private readonly db: Driver) {}

  async register(worker: { id: string; host: string; pid: number; concurrency: number; labels: string[] }): Promise<void> {
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      // Rows of workers gone for a day are dropped on the way.
      await tx.run('DELETE FROM workers WHERE id = ? OR heartbeat_at < ?', [worker.id, now - 86_400_000]);
      await tx.run('INSERT INTO workers (id, host, pid, started_at, heartbeat_at, concurrency, labels, running) VALUES (?, ?, ?, ?, ?, ?, ?, 0)', [
        worker.id, worker.host, worker.pid, now, now, worker.concurrency, JSON.stringify(worker.labels),
      ]);
    });
  }

  async heartbeat(id: string, running: number): Promise<void> {
    await this.db.run('UPDATE workers SET heartbeat_at = ?, running = ? WHERE id = ? AND stopped_at IS NULL', [Date.now(), running, id]);
  }

  async stopped(id: string): Promise<void> {
    await this.db.run('UPDATE workers SET stopped_at = ?, running = 0 WHERE id = ?', [Date.now(), id]);
  }

  /** Workers not stopped whose last heartbeat is within `staleMs`, oldest first. */
  async live(staleMs: number, now = Date.now()): Promise<WorkerRecord[]> {
    const rows = await this.db.all('SELECT * FROM workers WHERE stopped_at IS NULL AND heartbeat_at >= ? ORDER BY started_at, id', [now - staleMs]);
    return rows.map(workerFromRow);
  }
}

function workerFromRow(row: Row): WorkerRecord {
  return {
    id: String(row['id']),
    host: String(row['host']),
    pid: Number(row['pid']),
    startedAt: Number(row['started_at']),
    heartbeatAt: Number(row['heartbeat_at']),
    concurrency: Number(row['concurrency']),
    labels: JSON.parse(String(row['labels'] ?? '[]')) as string[],
    running: Number(row['running']),
    stoppedAt: row['stopped_at'] == null ? null : Number(row['stopped_at']),
  };
}
