// Owns following the WAL after a CDC read has caught up: changes stream over a replication connection
// (wal-stream.ts) into the change assembler, one queue and one consumer keeping the server's order. States:
// - only at a transaction boundary, with the commit's end LSN (a restart from it skips that transaction and nothing
//   else), as soon as no more data is waiting (at most one every MIN_GAP_MS) and at least every BUSY_GAP_MS while
//   data keeps coming;
// - when idle, a heartbeat with the server's sent position (a keepalive, asked for every second) when it moved past
//   the last state, so the runtime can commit it and the slot be acknowledged, else one every IDLE_STATE_MS.
// Acknowledgement: the server is told (standby status) only the LSN of a state the runtime committed
// (committed-feedback.ts), never further; a status goes to the server every second whatever the consumer is doing,
// so a slow reader of our output never looks like a dead client. Backpressure: the replication socket is paused
// while our output waits for its reader, and while the queue holds HIGH_WATER messages (e.g. PostgreSQL typing rows
// more slowly than they come), so memory stays bounded.
import type pg from 'pg';
import type { MessageWriter } from '../../kit/message-writer.js';
import type { PostgresConnectionConfig } from '../../kit/postgres/connection.js';
import type { PgTable } from '../discover.js';
import { ChangeAssembler, type OutputWriter } from './change-assembler.js';
import type { CommittedFeedback } from './committed-feedback.js';
import { lostConnection, publicationGap } from './follow-errors.js';
import { lsnToBigint, lsnToText, type PgOutputMessage } from './pgoutput.js';
import { WalStream } from './wal-stream.js';

const MIN_GAP_MS = 50;
const BUSY_GAP_MS = 200;
const HEARTBEAT_MS = 1000;
const IDLE_STATE_MS = 10_000;
const TICK_MS = 50;
const CHECK_MS = 10_000;
const HIGH_WATER = 2000;
const LOW_WATER = 200;

export interface FollowRead {
  /** The normal connection: types rows, checks the publication. */
  client: pg.Client;
  config: PostgresConnectionConfig;
  slot: string;
  publication: string;
  /** The captured tables, by `schema.name`. */
  tables: Map<string, PgTable>;
  chunkSize: number;
  out: MessageWriter;
  feedback: CommittedFeedback;
  /** The LSN of the last state emitted: streaming starts after it. */
  startLsn: string;
  /** Writes a GLOBAL state at `lsn`; `sourceTime` is the source time every change up to it is older than. */
  emitState(lsn: string, sourceTime: string, records: number): Promise<void> | undefined;
}

type Item =
  | { kind: 'data'; walStart: bigint; message: PgOutputMessage }
  | { kind: 'keepalive'; walEnd: bigint; serverTime: Date; reply: boolean }
  | { kind: 'tick' }
  | { kind: 'check' };

/** Streams until stdin ends or SIGTERM (resolves), or the slot, publication or connection fails (throws). */
export async function followWal(read: FollowRead): Promise<void> {
  const { feedback, out } = read;
  const queue: Item[] = [];
  let dataWaiting = 0;
  let tickQueued = false;
  let queueFull = false;
  let outputWaiting = 0;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  let wal: WalStream | undefined;

  const setPaused = (): void => {
    if (queueFull || outputWaiting > 0) wal?.pause();
    else wal?.resume();
  };
  const push = (item: Item): void => {
    queue.push(item);
    if (item.kind === 'data') dataWaiting++;
    if (!queueFull && queue.length >= HIGH_WATER) {
      queueFull = true;
      setPaused();
    }
    wake?.();
  };
  /** While a write to our output waits for its reader, the server waits for us. */
  const waitFor = async (waiting: Promise<void>): Promise<void> => {
    outputWaiting++;
    setPaused();
    try {
      await waiting;
    } finally {
      outputWaiting--;
      setPaused();
    }
  };
  const watched = (waiting: Promise<void> | undefined): Promise<void> | undefined => waiting && waitFor(waiting);
  const output: OutputWriter = {
    emit: (message) => watched(read.out.emit(message)),
    emitLine: (line) => watched(read.out.emitLine(line)),
  };
  const changes = new ChangeAssembler({ ...read, out: output });
  wal = await WalStream.open(read.config, read.slot, read.publication, lsnToBigint(read.startLsn), {
    data: (walStart, message) => push({ kind: 'data', walStart, message }),
    keepalive: (walEnd, serverTime, reply) => push({ kind: 'keepalive', walEnd, serverTime, reply }),
    failed: (error) => {
      failure ??= error;
      wake?.();
    },
  });
  const stream = wal;
  feedback.onCommitted((lsn) => stream.sendStatus(lsn));
  feedback.onStop(() => wake?.());
  let lastAskAt = 0;
  const ticks = setInterval(() => {
    // A keepalive back tells how far the server has read (for the heartbeat); the status keeps the connection alive.
    if (Date.now() - lastAskAt >= HEARTBEAT_MS) {
      lastAskAt = Date.now();
      stream.sendStatus(feedback.committed, true);
    }
    if (tickQueued) return;
    tickQueued = true;
    push({ kind: 'tick' });
  }, TICK_MS);
  const checks = setInterval(() => push({ kind: 'check' }), CHECK_MS);

  let stateLsn = lsnToBigint(read.startLsn);
  let lastStateAt = Date.now();
  let pendingCommit: { lsn: bigint; time: string } | undefined;
  let serverEnd = 0n;
  let serverTime: Date | undefined;

  const emitState = async (lsn: bigint, sourceTime: string): Promise<void> => {
    await changes.flush();
    await watched(read.emitState(lsnToText(lsn), sourceTime, changes.takeEmitted()));
    // A following read is latency-bound: the state (and its records) go out now, not when the buffer fills.
    await watched(out.flush());
    stateLsn = lsn;
    lastStateAt = Date.now();
    pendingCommit = undefined;
  };

  try {
    stream.sendStatus(feedback.committed);
    for (;;) {
      if (failure) throw await lostConnection(failure, read.client, read.slot);
      if (feedback.stopped) break;
      const item = queue.shift();
      if (!item) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      if (queueFull && queue.length <= LOW_WATER) {
        queueFull = false;
        setPaused();
      }
      const now = Date.now();
      switch (item.kind) {
        case 'data': {
          dataWaiting--;
          await changes.add(Number(item.walStart), item.message);
          if (item.message.tag !== 'commit') break;
          pendingCommit = { lsn: item.message.endLsn, time: item.message.commitTime.toISOString() };
          const since = now - lastStateAt;
          if (since >= BUSY_GAP_MS || (dataWaiting === 0 && since >= MIN_GAP_MS)) await emitState(pendingCommit.lsn, pendingCommit.time);
          break;
        }
        case 'keepalive':
          if (item.walEnd > serverEnd) serverEnd = item.walEnd;
          serverTime = item.serverTime;
          if (item.reply) stream.sendStatus(feedback.committed);
          break;
        case 'tick': {
          tickQueued = false;
          const since = now - lastStateAt;
          if (!changes.inTransaction) {
            if (pendingCommit) {
              if (since >= MIN_GAP_MS) await emitState(pendingCommit.lsn, pendingCommit.time);
            } else if (serverTime && serverEnd > stateLsn && since >= HEARTBEAT_MS) {
              await emitState(serverEnd, serverTime.toISOString());
            } else if (since >= IDLE_STATE_MS) {
              await emitState(stateLsn, (serverTime ?? new Date()).toISOString());
            }
          }
          break;
        }
        case 'check': {
          const gap = await publicationGap(read.client, read.publication, [...read.tables.values()]);
          if (gap) throw gap;
          break;
        }
      }
    }
  } finally {
    clearInterval(ticks);
    clearInterval(checks);
    stream.sendStatus(feedback.committed);
    await stream.close();
  }
}
