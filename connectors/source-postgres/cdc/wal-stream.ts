// Owns one logical replication connection (pg's own replication mode): START_REPLICATION of a pgoutput slot from an
// LSN, the CopyBoth framing of what the server sends — XLogData ('w': 25-byte header, then one pgoutput message,
// decoded here at once because pg reuses the bytes of its read buffer) and primary keepalives ('k': the server's
// sent position, its clock, whether it wants a reply) — and the one thing we send: standby status updates ('r'),
// whose position the caller chooses (wal-follow.ts sends only committed LSNs). Reading can be paused (backpressure).
// A failure of the connection or of the replication command is reported once, through `failed`.
import type pg from 'pg';
import { connectPostgres, quoteIdent } from '../../kit/postgres/connection.js';
import type { PostgresConnectionConfig } from '../../kit/postgres/connection.js';
import { decodePgOutput, lsnToText, type PgOutputMessage } from './pgoutput.js';

/** Microseconds from the Unix epoch to PostgreSQL's epoch (2000-01-01). */
const PG_EPOCH_US = 946_684_800_000_000n;

export interface WalHandlers {
  /** One pgoutput message at WAL position `walStart`. */
  data(walStart: bigint, message: PgOutputMessage): void;
  /** A keepalive: everything up to `walEnd` has been sent, at the server's `serverTime`. */
  keepalive(walEnd: bigint, serverTime: Date, replyRequested: boolean): void;
  /** The connection or the replication command failed (once; not after `close`). */
  failed(error: Error): void;
}

interface Connection {
  stream: { pause(): void; resume(): void };
  on(event: 'copyData', listener: (message: { chunk: Buffer }) => void): void;
  sendCopyFromChunk(chunk: Buffer): void;
}

export class WalStream {
  #closing = false;
  #failed = false;

  private constructor(
    readonly client: pg.Client,
    readonly handlers: WalHandlers,
  ) {}

  /** Connects in replication mode and starts streaming the slot from `startLsn` (changes committed after it). */
  static async open(config: PostgresConnectionConfig, slot: string, publication: string, startLsn: bigint, handlers: WalHandlers): Promise<WalStream> {
    const client = await connectPostgres(config, {}, { replication: 'database' } as pg.ClientConfig);
    const stream = new WalStream(client, handlers);
    const connection = stream.#connection;
    connection.on('copyData', ({ chunk }) => stream.#receive(chunk));
    client.on('error', (error: Error) => stream.#fail(error));
    client.on('end', () => stream.#fail(new Error('the server closed the replication connection')));
    const publications = quoteIdent(publication).replace(/'/g, "''");
    // Resolves only when the server ends the copy; while streaming it stays pending.
    client
      .query(`START_REPLICATION SLOT ${quoteIdent(slot)} LOGICAL ${lsnToText(startLsn)} (proto_version '1', publication_names '${publications}')`)
      .then(
        () => stream.#fail(new Error('the server ended the replication stream')),
        (error: Error) => stream.#fail(error),
      );
    return stream;
  }

  get #connection(): Connection {
    return (this.client as unknown as { connection: Connection }).connection;
  }

  /** Standby status update: written = flushed = applied = `lsn`; `replyRequested` asks for a keepalive back. */
  sendStatus(lsn: bigint, replyRequested = false): void {
    if (this.#closing || this.#failed) return;
    const message = Buffer.alloc(34);
    message.write('r', 0);
    message.writeBigUInt64BE(lsn, 1);
    message.writeBigUInt64BE(lsn, 9);
    message.writeBigUInt64BE(lsn, 17);
    message.writeBigInt64BE(BigInt(Date.now()) * 1000n - PG_EPOCH_US, 25);
    message.writeUInt8(replyRequested ? 1 : 0, 33);
    this.#connection.sendCopyFromChunk(message);
  }

  pause(): void {
    this.#connection.stream.pause();
  }

  resume(): void {
    this.#connection.stream.resume();
  }

  /** Ends the connection (the server releases the slot); no failure is reported after this. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.resume();
    await this.client.end().catch(() => undefined);
  }

  #receive(chunk: Buffer): void {
    const kind = chunk[0];
    if (kind === 0x77 /* w */) {
      this.handlers.data(chunk.readBigUInt64BE(1), decodePgOutput(chunk.subarray(25)));
    } else if (kind === 0x6b /* k */) {
      const serverTime = new Date(Number((chunk.readBigInt64BE(9) + PG_EPOCH_US) / 1000n));
      this.handlers.keepalive(chunk.readBigUInt64BE(1), serverTime, chunk[17] === 1);
    }
  }

  #fail(error: Error): void {
    if (this.#closing || this.#failed) return;
    this.#failed = true;
    this.handlers.failed(error);
  }
}
