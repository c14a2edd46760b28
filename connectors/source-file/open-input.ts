// Owns turning one input (a local file or an http(s) URL) into a stream of text: bytes read as they come,
// gunzipped when asked or when they start with the gzip magic bytes (`auto`), decoded as UTF-8.
import { createReadStream } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { ConnectorError } from '../kit/run-connector.js';

export type Compression = 'auto' | 'gzip' | 'none';

export interface Input {
  /** The path or URL, as shown in messages. */
  location: string;
  url: boolean;
}

export function isUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** The text of an input, chunk by chunk. Stopping early (break) releases the file or the connection. */
export async function* openText(input: Input, compression: Compression): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of decompressed(openBytes(input), compression, input.location)) {
    const text = decoder.write(chunk as Buffer);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

async function* openBytes(input: Input): AsyncGenerator<Uint8Array> {
  if (!input.url) {
    try {
      for await (const chunk of createReadStream(input.location, { highWaterMark: 256 * 1024 })) yield chunk as Buffer;
    } catch (error) {
      throw readError(input, error);
    }
    return;
  }
  const controller = new AbortController();
  let response: Response;
  try {
    response = await fetch(input.location, { signal: controller.signal, redirect: 'follow' });
  } catch (error) {
    throw readError(input, error);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new ConnectorError(`cannot read ${input.location}: the server answered ${response.status} ${response.statusText}`.trim(), 'config_error');
  }
  if (!response.body) return;
  try {
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) yield chunk as Uint8Array;
  } catch (error) {
    throw readError(input, error);
  } finally {
    controller.abort();
  }
}

async function* decompressed(chunks: AsyncGenerator<Uint8Array>, compression: Compression, location: string): AsyncGenerator<Uint8Array> {
  if (compression === 'none') {
    yield* chunks;
    return;
  }
  // Enough of the start to see the magic bytes (a first chunk can be a single byte).
  const head: Uint8Array[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await chunks.next();
    if (next.done) break;
    head.push(next.value);
    headBytes += next.value.length;
  }
  const start = Buffer.concat(head);
  const gzip = compression === 'gzip' || (start[0] === 0x1f && start[1] === 0x8b);
  async function* all(): AsyncGenerator<Uint8Array> {
    if (start.length > 0) yield start;
    yield* chunks;
  }
  if (!gzip) {
    yield* all();
    return;
  }
  const gunzip = pipeline(Readable.from(all(), { objectMode: false }), createGunzip(), () => undefined);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('Z_')) {
      throw new ConnectorError(`cannot gunzip ${location}: ${(error as Error).message}`, 'config_error');
    }
    throw error;
  } finally {
    gunzip.destroy();
  }
}

function readError(input: Input, error: unknown): Error {
  if (error instanceof ConnectorError) return error;
  const code = (error as { code?: string }).code;
  const reason =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : describeCause(error);
  const failure = input.url && code !== 'ENOENT' ? 'transient_error' : 'config_error';
  const wrapped = new ConnectorError(`cannot read ${input.location}: ${reason}`, failure);
  (wrapped as Error & { cause?: unknown }).cause = error;
  return wrapped;
}

/** fetch's "fetch failed" says nothing: the reason is in its cause. */
function describeCause(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  return cause ? `${message} (${cause.code ?? cause.message})` : message;
}
