// Owns encrypting secret config values at rest: AES-256-GCM with a fresh 12-byte IV per value; the value is
// JSON-encoded first so numbers stay numbers. An encrypted value is one string:
//   enc:v1:<iv base64>:<auth tag base64>:<ciphertext base64>
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SluiceError } from '../../runtime/errors.js';

const PREFIX = 'enc:v1:';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SluiceError('secret.key_invalid', `the secret key must be 32 bytes; it is ${key.length}`);
    this.#key = key;
  }

  encrypt(value: unknown): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${ciphertext.toString('base64')}`;
  }

  decrypt(text: string, where: string): unknown {
    const parts = text.slice(PREFIX.length).split(':');
    if (!isEncrypted(text) || parts.length !== 3) {
      throw new SluiceError('secret.decrypt_failed', `${where}: the stored secret is not in the encrypted form`);
    }
    try {
      const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64')) as [Buffer, Buffer, Buffer];
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAuthTag(tag);
      return JSON.parse(Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8'));
    } catch (error) {
      throw new SluiceError('secret.decrypt_failed', `${where}: the stored secret cannot be decrypted with this key`, {
        cause: error,
        hint: 'SLUICE_SECRET_KEY (or the workspace key file) must be the key the secret was stored with',
      });
    }
  }
}

export function isEncrypted(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}
