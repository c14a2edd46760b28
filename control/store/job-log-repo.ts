// Owns the job_log_chunks table and the log counters on jobs: a job's log is the text of its chunks in seq order
// (each chunk whole JSON lines, already masked). Only the job's runner appends, one chunk at a time and in seq
// order, so a reader that remembers the last seq it read never misses a chunk committed after it looked.
import type { Driver } from './driver.js';

export interface JobLogChunk {
  seq: number;
  text: string;
}

/** What the store holds of a job's log: bytes stored, and what was dropped over the per-job cap. */
export interface JobLogSize {
  storedBytes: number;
  droppedLines: number;
  droppedBytes: number;
}

export class JobLogRepo {
  constructor(private readonly db: Driver) {}

  /** Adds chunk `seq` of the job's log and counts its bytes on the job. */
  async append(jobId: number, seq: number, text: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run('INSERT INTO job_log_chunks (job_id, seq, text) VALUES (?, ?, ?)', [jobId, seq, text]);
      await tx.run('UPDATE jobs SET log_bytes = log_bytes + ? WHERE id = ?', [Buffer.byteLength(text), jobId]);
    });
  }

  /** The job's chunks after seq `afterSeq` (0: all of them), in order. */
  async readFrom(jobId: number, afterSeq = 0): Promise<JobLogChunk[]> {
    const rows = await this.db.all<{ seq: number; text: string }>('SELECT seq, text FROM job_log_chunks WHERE job_id = ? AND seq > ? ORDER BY seq', [jobId, afterSeq]);
    return rows.map((row) => ({ seq: Number(row.seq), text: String(row.text) }));
  }

  /** Whether the job has any chunk (a job that ran before logs were stored has none, and a file instead). */
  async has(jobId: number): Promise<boolean> {
    return (await this.db.one('SELECT 1 AS found FROM job_log_chunks WHERE job_id = ? LIMIT 1', [jobId])) !== undefined;
  }

  async recordDropped(jobId: number, lines: number, bytes: number): Promise<void> {
    await this.db.run('UPDATE jobs SET log_dropped_lines = ?, log_dropped_bytes = ? WHERE id = ?', [lines, bytes, jobId]);
  }

  async size(jobId: number): Promise<JobLogSize | undefined> {
    const row = await this.db.one('SELECT log_bytes, log_dropped_lines, log_dropped_bytes FROM jobs WHERE id = ?', [jobId]);
    return row && { storedBytes: Number(row['log_bytes']), droppedLines: Number(row['log_dropped_lines']), droppedBytes: Number(row['log_dropped_bytes']) };
  }
}
