// The encrypt step's output format, as `sluice decrypt` and standard tools read it: `v1:` + base64(IV ‖ ciphertext
// ‖ tag) with AES-256-GCM over the value's JSON text; a wrong key or an altered value fails clearly.
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../../runtime/errors.js';
import { decryptValue, encryptValue, parseKey } from '../../../runtime/mappers/aes-gcm-value.js';
import { KEY, OTHER_KEY } from './fixtures.js';

function decryptError(text: string, key: string): string {
  try {
    decryptValue(text, key);
  } catch (error) {
    if (error instanceof SluiceError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('decrypted');
}

describe('an encrypted value', () => {
  it('round-trips a string, a number, an object, an array, a boolean', () => {
    const key = parseKey(KEY)!;
    for (const value of ['ada@example.com', '', 42, -0.5, { city: 'London', zip: null }, [1, 'two'], false]) {
      expect(decryptValue(encryptValue(value, key), KEY)).toEqual(value);
    }
  });

  it('decrypts with standard AES-256-GCM: base64 after v1:, then 12-byte IV, ciphertext, 16-byte tag', () => {
    const text = encryptValue({ ssn: '123-45-6789' }, parseKey(KEY)!);
    const body = Buffer.from(text.slice('v1:'.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(KEY, 'hex'), body.subarray(0, 12));
    decipher.setAuthTag(body.subarray(body.length - 16));
    const plaintext = Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]).toString('utf8');
    expect(plaintext).toBe('{"ssn":"123-45-6789"}');
  });

  it('fails clearly with a wrong key, an altered value, a value Sluice did not encrypt or a malformed key, naming neither key', () => {
    const text = encryptValue('secret text', parseKey(KEY)!);
    const altered = `v1:${Buffer.from(Buffer.from(text.slice(3), 'base64').map((byte, index) => (index === 14 ? byte ^ 1 : byte))).toString('base64')}`;
    const messages = [decryptError(text, OTHER_KEY), decryptError(altered, KEY), decryptError('plain text', KEY), decryptError('v1:AAAA', KEY), decryptError(text, 'abc123')];
    expect(messages).toEqual([
      'mapper.decrypt_failed: cannot decrypt: the key is not the one it was encrypted with, or the value was altered',
      'mapper.decrypt_failed: cannot decrypt: the key is not the one it was encrypted with, or the value was altered',
      'mapper.decrypt_failed: cannot decrypt: the value is not one Sluice encrypted (it starts with v1:)',
      'mapper.decrypt_failed: cannot decrypt: the value is too short to be one Sluice encrypted',
      'mapper.decrypt_failed: cannot decrypt: the key must be 64 hexadecimal characters (32 bytes)',
    ]);
    for (const message of messages) {
      expect(message).not.toContain(KEY);
      expect(message).not.toContain(OTHER_KEY);
    }
  });

  it('uses a fresh IV for each value, across many values', () => {
    const key = parseKey(KEY)!;
    const ivs = new Set(Array.from({ length: 10_000 }, () => Buffer.from(encryptValue(1, key).slice(3), 'base64').subarray(0, 12).toString('hex')));
    expect(ivs.size).toBe(10_000);
  });
});
