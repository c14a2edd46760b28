// Owns the encrypted-value format of the encrypt step and its inverse (`sluice decrypt`):
//   `v1:` + base64( 12-byte random IV ‖ AES-256-GCM ciphertext ‖ 16-byte tag ), no additional authenticated data,
// the plaintext being the UTF-8 JSON text of the value (so a string, number or object comes back with its type, an
// exact number with its digits). Standard tools decrypt it: base64-decode, split 12 / rest / 16, AES-256-GCM.
// The key is 64 hexadecimal characters (32 bytes) and a secret: no message names it.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mayLoseDigits, parseExactJson, stringifyExactJson } from '../../protocol/exact-json.js';
import { SluiceError } from '../errors.js';

const PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_HEX = /^[0-9a-fA-F]{64}$/;

export const KEY_FORMAT = '64 hexadecimal characters (32 bytes)';

/** The 32-byte key written as hex, or undefined when `text` is not one. */
export function parseKey(text: unknown): Buffer | undefined {
  return typeof text === 'string' && KEY_HEX.test(text) ? Buffer.from(text, 'hex') : undefined;
}

// IVs come from a pool filled by one randomBytes call per 4096 values: a system call per record would cost more
// than the encryption. A pool is replaced, never refilled, so an IV handed out is never overwritten.
const POOL_BYTES = IV_BYTES * 4096;
let pool = randomBytes(POOL_BYTES);
let poolOffset = 0;

function nextIv(): Buffer {
  if (poolOffset === POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const iv = pool.subarray(poolOffset, poolOffset + IV_BYTES);
  poolOffset += IV_BYTES;
  return iv;
}

/** Encrypts one JSON value (which must not be undefined) with a key from parseKey. */
export function encryptValue(value: unknown, key: Buffer): string {
  return encryptJsonText(typeof value === 'string' ? JSON.stringify(value) : stringifyExactJson(value), key);
}

/** Encrypts a value given as its JSON text (as JSON.stringify, or stringifyExactJson, writes it). */
export function encryptJsonText(plaintext: string, key: Buffer): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return PREFIX + body.toString('base64');
}

/** The value `encryptValue` encrypted; a SluiceError (mapper.decrypt_failed) for a bad key, a wrong key or altered text. */
export function decryptValue(text: string, key: string | Buffer): unknown {
  const keyBytes = typeof key === 'string' ? parseKey(key) : key.length === 32 ? key : undefined;
  if (!keyBytes) throw failed(`the key must be ${KEY_FORMAT}`);
  if (!text.startsWith(PREFIX)) throw failed('the value is not one Sluice encrypted (it starts with v1:)');
  const body = Buffer.from(text.slice(PREFIX.length), 'base64');
  if (body.length < IV_BYTES + TAG_BYTES) throw failed('the value is too short to be one Sluice encrypted');
  const decipher = createDecipheriv('aes-256-gcm', keyBytes, body.subarray(0, IV_BYTES));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  let plaintext: string;
  try {
    plaintext = Buffer.concat([decipher.update(body.subarray(IV_BYTES, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw failed('the key is not the one it was encrypted with, or the value was altered', error);
  }
  return mayLoseDigits(plaintext) ? parseExactJson(plaintext) : JSON.parse(plaintext);
}

function failed(problem: string, cause?: unknown): SluiceError {
  return new SluiceError('mapper.decrypt_failed', `cannot decrypt: ${problem}`, { cause });
}
