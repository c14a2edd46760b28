// Owns reading the changes a slot holds, without consuming them: pg_logical_slot_peek_binary_changes up to a fixed
// LSN through a server-side cursor, pgoutput decoded and fed to the change assembler (change-assembler.ts), which
// writes the records. A checkpoint is offered after a commit once `chunkSize` records have gone out, with the
// commit's end LSN: replay from it skips that transaction.
import type pg from 'pg';
import type { MessageWriter } from '../../kit/message-writer.js';
import type { PgTable } from '../discover.js';
import { ChangeAssembler } from './change-assembler.js';
import { decodePgOutput, lsnToNumber, lsnToText } from './pgoutput.js';

const FETCH_ROWS = 5000;

export interface ChangeRead {
  client: pg.Client;
  slot: string;
  publication: string;
  /** The captured tables, by `schema.name`. */
  tables: Map<string, PgTable>;
  upto: string;
  /** The server's time when `upto` was taken (the source time of the last checkpoint). */
  uptoTime?: string;
  chunkSize: number;
  out: MessageWriter;
  /**
   * After a commit, with the LSN (text) a replay should start after, the records since the last checkpoint, and the
   * commit time of the last transaction covered.
   */
  checkpoint(lsn: string, records: number, sourceTime: string): Promise<void>;
}

export async function readChanges(read: ChangeRead): Promise<number> {
  const { client } = read;
  const changes = new ChangeAssembler(read);
  let commitTime = read.uptoTime ?? '';

  await client.query('BEGIN');
  try {
    await client.query(
      `DECLARE sluice_changes NO SCROLL CURSOR FOR SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes($1, $2::pg_lsn, NULL, 'proto_version', '1', 'publication_names', $3)`,
      [read.slot, read.upto, read.publication],
    );
    for (;;) {
      const { rows } = await client.query<[string, Buffer]>({ text: `FETCH ${FETCH_ROWS} FROM sluice_changes`, rowMode: 'array' });
      if (rows.length === 0) break;
      for (const [lsn, data] of rows) {
        const message = decodePgOutput(data);
        await changes.add(lsnToNumber(lsn), message);
        if (message.tag === 'commit' && changes.sinceTaken >= read.chunkSize) {
          commitTime = message.commitTime.toISOString();
          await changes.flush();
          await read.checkpoint(lsnToText(message.endLsn), changes.takeEmitted(), commitTime);
        }
      }
    }
    await changes.flush();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await read.checkpoint(read.upto, changes.takeEmitted(), read.uptoTime ?? commitTime);
  return changes.total;
}
