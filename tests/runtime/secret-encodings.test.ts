// A secret is masked in the forms a connector commonly prints it: percent-encoded in a connection URL, form-encoded,
// JSON-escaped, and base64-encoded inside a longer text (HTTP Basic auth), at every byte alignment and in both alphabets.
import { describe, expect, it } from 'vitest';
import { fixture, jsonFile, sluice, tempDir } from '../support/cli.js';
import { createRedactor, MASK, SecretMask } from '../../runtime/secrets.js';

const password = 'Pa55/word@Secret#2026';
const redact = createRedactor([password]);

describe('the redactor masks the common encodings of a secret', () => {
  it('percent-encoded (encodeURIComponent), in either hex case', () => {
    expect(redact(`postgres://app:${encodeURIComponent(password)}@db/prod`)).toBe(`postgres://app:${MASK}@db/prod`);
    const lowerHex = encodeURIComponent(password).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
    expect(lowerHex).toContain('%2fword%40');
    expect(redact(`postgres://app:${lowerHex}@db/prod`)).toBe(`postgres://app:${MASK}@db/prod`);
  });

  it('form-encoded, with + for spaces', () => {
    const spaced = 'open sesame 42!';
    const form = new URLSearchParams({ password: spaced, user: 'app' }).toString();
    expect(form).toContain('open+sesame+42');
    expect(createRedactor([spaced])(form)).toBe(`password=${MASK}&user=app`);
    expect(createRedactor([spaced])(`p=${encodeURIComponent(spaced).replace(/%20/g, '+')}`)).toBe(`p=${MASK}`);
  });

  it('JSON-string escaped', () => {
    const quoted = 'say "hi"\\now';
    const line = JSON.stringify({ message: `token ${quoted} used` });
    expect(line).toContain('say \\"hi\\"\\\\now');
    expect(createRedactor([quoted])(line)).toBe(JSON.stringify({ message: `token ${MASK} used` }));
  });

  it('base64 inside a longer base64 text, at each of the 3 byte alignments, standard and URL-safe', () => {
    for (const user of ['u', 'us', 'usr', 'user', 'admin']) {
      const basic = Buffer.from(`${user}:${password}`).toString('base64');
      const masked = redact(`Authorization: Basic ${basic}`);
      expect(masked, user).toContain(MASK);
      // No run of the secret's base64 is left: at most the 2 edge characters that also depend on neighbouring bytes.
      expect(masked.length, user).toBeLessThanOrEqual(`Authorization: Basic ${MASK}`.length + 2 + Math.ceil((user.length + 1) * 4 / 3) + 2);
      const urlSafe = Buffer.from(`${user}:${password}?`).toString('base64url');
      expect(redact(urlSafe), user).toContain(MASK);
    }
    const alone = Buffer.from(password).toString('base64');
    expect(redact(alone)).not.toContain(alone.slice(0, 12));
  });

  it('does not mask random text for a short secret: encoded variants under 6 characters are skipped', () => {
    const short = createRedactor(['abcd']);
    expect(short('YWJj and abcd')).toBe(`YWJj and ${MASK}`);
  });

  it('a SecretMask masks the encodings of a secret added later', () => {
    const mask = new SecretMask();
    mask.add([password]);
    expect(mask.redact(`x ${encodeURIComponent(password)} ${Buffer.from(`u:${password}`).toString('base64')}`)).not.toMatch(/%2Fword|UGE1NS93b3Jk|BhNTUvd29yZE/);
  });
});

describe('sluice masks a percent-encoded secret in a connector log', () => {
  it('check of a connector logging its connection URL prints no part of the encoded password', async () => {
    const dir = tempDir();
    const config = jsonFile(dir, 'c.json', { password });
    const result = await sluice(['check', fixture('logs-url-secret.mjs'), '--config', config]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('Pa55%2Fword%40Secret');
    expect(result.stdout + result.stderr).toContain(`postgres://app:${MASK}@db.internal/prod`);
  });
});
