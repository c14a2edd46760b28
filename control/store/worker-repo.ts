// Owns the workers table: a worker process registers when it starts (its row replaced if the same id ran before),
// beats while it runs, and marks itself stopped when it stops; a worker whose heartbeat is older than the stale
// limit is listed as not live.
import type { Driver, Row } from './driver.js';

export interface WorkerRecord {
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  heartbeatAt: number;
  concurrency: number;
  running: number;
  stoppedAt: number | null;
}

export class WorkerRepo {
  constructor(private readonly db: Driver) {}

  async register(worker: { id: string; host: string; pid: number; concurrency: number }): Promise<void> {
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM workers WHERE id = ?', [worker.id]);
      await tx.run('INSERT INTO workers (id, host, pid, started_at, heartbeat_at, concurrency, running) VALUES (?, ?, ?, ?, ?, ?, 0)', [
        worker.id, worker.host, worker.pid, now, now, worker.concurrency,
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
    running: Number(row['running']),
    stoppedAt: row['stopped_at'] == null ? null : Number(row['stopped_at']),
  };
}
