// Owns a connector container's stdio: one hijacked attach connection, opened before the container starts so no
// output is lost, demultiplexed into stdout (raw bytes, with backpressure down to the container) and stderr, and,
// for `write`, a stdin whose end() half-closes the connection, which closes the container's stdin.
import type Dockerode from 'dockerode';
import type { Duplex } from 'node:stream';
import { PassThrough, Writable } from 'node:stream';

export interface ContainerStdio {
  stdin: Writable | null;
  stdout: PassThrough;
  stderr: PassThrough;
  /** Settles when the attach connection has closed (all output delivered, or the connection failed). */
  closed: Promise<void>;
  /** Drops the connection (used when the container could not be started). */
  destroy(): void;
}

export async function attachStdio(container: Dockerode.Container, withStdin: boolean): Promise<ContainerStdio> {
  // With `hijack` dockerode upgrades the connection and hands over the raw socket: reads are Docker's
  // multiplexed stream (Tty is false), writes go to the container's stdin.
  const socket = (await container.attach({
    stream: true,
    stdin: withStdin,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as unknown as Duplex;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
  });
  const demuxer = new DockerStreamDemuxer(stdout, stderr);
  socket.pipe(demuxer);
  // A connection that fails instead of ending still ends the outputs (pipe() only forwards a clean end).
  socket.on('error', () => undefined);
  socket.once('close', () => {
    if (!demuxer.writableEnded) demuxer.end();
  });
  return {
    stdin: withStdin ? containerStdin(socket) : null,
    stdout,
    stderr,
    closed,
    destroy: () => socket.destroy(),
  };
}

/** A Writable for the container's stdin: writes wait for the socket, end() sends EOF, the output side stays open. */
function containerStdin(socket: Duplex): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (socket.destroyed || socket.writableEnded) return callback(new Error('the container stdin is closed'));
      socket.write(chunk, (error) => callback(error ?? null));
    },
    final(callback) {
      if (!socket.writableEnded) socket.end();
      callback();
    },
  });
}

const HEADER_BYTES = 8;

/**
 * Splits Docker's multiplexed stream (frames of an 8-byte header: stream type, 3 zero bytes, payload length as
 * uint32 BE) into stdout and stderr. A frame waits until its target has drained, so a slow reader of stdout slows
 * the container down instead of growing memory. Output for a target that its reader destroyed is dropped.
 */
class DockerStreamDemuxer extends Writable {
  readonly #header = Buffer.alloc(HEADER_BYTES);
  #headerFill = 0;
  #remaining = 0;
  #target: PassThrough | undefined;

  constructor(
    readonly stdout: PassThrough,
    readonly stderr: PassThrough,
  ) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let offset = 0;
    let mustWait: PassThrough | undefined;
    while (offset < chunk.length) {
      if (this.#remaining === 0) {
        const take = Math.min(HEADER_BYTES - this.#headerFill, chunk.length - offset);
        chunk.copy(this.#header, this.#headerFill, offset, offset + take);
        this.#headerFill += take;
        offset += take;
        if (this.#headerFill < HEADER_BYTES) break;
        this.#headerFill = 0;
        // 1 stdout, 2 stderr (0 stdin and 3 system errors do not occur on attach; the latter is shown as stderr).
        this.#target = this.#header[0] === 1 ? this.stdout : this.stderr;
        this.#remaining = this.#header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - offset);
      const target = this.#target!;
      if (!target.destroyed && !target.write(chunk.subarray(offset, offset + take))) mustWait = target;
      offset += take;
      this.#remaining -= take;
    }
    if (!mustWait) return callback();
    const target = mustWait;
    const resume = (): void => {
      target.off('drain', resume);
      target.off('close', resume);
      callback();
    };
    target.on('drain', resume);
    target.on('close', resume);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.stdout.end();
    this.stderr.end();
    callback();
  }
}
