// Webhooks as a receiver sees them: every payload signed the Standard Webhooks way with the webhook's own
// secret (verified here with the same library), events for jobs that start, succeed and are cancelled, and the
// secret shown once, when the webhook is created, and nowhere else (not listed, not logged, not stored in clear).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { fixture } from '../support/cli.js';
import { workspace } from '../support/workspace.js';
import { api, eventually, startServe } from '../support/server.js';

interface Delivery {
  headers: IncomingHttpHeaders;
  text: string;
  answered: number;
}

describe('signed webhooks', () => {
  let receiver: Server;
  let url: string;
  const deliveries: Delivery[] = [];
  let failNext = 0;
  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        const answered = failNext-- > 0 ? 503 : 204;
        deliveries.push({ headers: request.headers, text, answered });
        response.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('carry a signature the receiver verifies, for jobs that start, succeed and are cancelled', async () => {
    const ws = workspace({ SLUICE_WEBHOOK_BACKOFF_MS: '100' });
    // Created with the CLI, which may name a path as a connector: a source that pauses after its first record.
    expect((await ws.run(['source', 'create', 'slow', '--connector', fixture('counter-source.mjs'), '--config-json', '{"count":100,"delay_ms_every":[1,60000]}'])).exitCode).toBe(0);
    const server = await startServe(ws.env);
    let stderr = '';
    let secret = '';
    try {
      const base = `${server.url}/api/v1`;
      const created = await api(base, 'POST', '/webhooks', { name: 'ops', url });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'ops', url, events: ['job.started', 'job.succeeded', 'job.failed', 'job.cancelled', 'connection.schema_changed'] });
      secret = created.body.secret;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const listed = await api(base, 'GET', '/webhooks');
      expect(listed.body.data).toEqual([{ id: created.body.id, name: 'ops', url, events: created.body.events, createdAt: created.body.createdAt }]);

      expect((await api(base, 'POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 5 } })).status).toBe(201);
      expect((await api(base, 'POST', '/destinations', { name: 'void', connector: 'destination-dev-null', config: {} })).status).toBe(201);
      expect((await api(base, 'POST', '/connections', { name: 'quick', source: 'faker', destination: 'void', streams: ['users'] })).status).toBe(201);
      expect((await api(base, 'POST', '/connections', { name: 'stuck', source: 'slow', destination: 'void', streams: ['items'] })).status).toBe(201);

      const quick = (await api(base, 'POST', '/connections/quick/sync')).body.job.id;
      await eventually(async () => events(), (seen) => seen.includes(`job.succeeded ${quick}`), 30_000, 'job.succeeded');
      const stuck = (await api(base, 'POST', '/connections/stuck/sync')).body.job.id;
      await eventually(async () => events(), (seen) => seen.includes(`job.started ${stuck}`), 30_000, 'job.started');
      expect((await api(base, 'POST', `/jobs/${stuck}/cancel`)).status).toBe(202);
      await eventually(async () => events(), (seen) => seen.includes(`job.cancelled ${stuck}`), 30_000, 'job.cancelled');
      expect(events()).toEqual([`job.started ${quick}`, `job.succeeded ${quick}`, `job.started ${stuck}`, `job.cancelled ${stuck}`]);

      const verifier = new Webhook(secret);
      for (const delivery of deliveries) {
        const payload = verifier.verify(delivery.text, delivery.headers as Record<string, string>) as any;
        expect(payload.event).toBe(delivery.headers['x-sluice-event']);
        expect(delivery.headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
      }
      expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id'])).size).toBe(4);
      const cancelled = JSON.parse(deliveries[3]!.text);
      expect(cancelled).toMatchObject({ event: 'job.cancelled', connection: { name: 'stuck' }, job: { id: stuck, status: 'cancelled' } });
      const tampered = { ...deliveries[0]!, text: deliveries[0]!.text.replace('"quick"', '"other"') };
      expect(() => verifier.verify(tampered.text, tampered.headers as Record<string, string>)).toThrow(WebhookVerificationError);
      expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(deliveries[0]!.text, deliveries[0]!.headers as Record<string, string>)).toThrow(WebhookVerificationError);
    } finally {
      stderr = await server.stop();
    }
    const key = secret.slice('whsec_'.length);
    expect(stderr).not.toContain(key);
    const home = ws.env['SLUICE_HOME']!;
    for (const file of readdirSync(home, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())) {
      expect([file.name, readFileSync(join(file.parentPath, file.name)).includes(key)]).toEqual([file.name, false]);
    }
    const cli = await ws.run(['webhook', 'list', '--json']);
    expect(cli.stdout).not.toContain(key);
  });

  it('keep their webhook-id on a retry, signed anew, from the CLI too', async () => {
    deliveries.length = 0;
    failNext = 1;
    const ws = workspace({ SLUICE_WEBHOOK_BACKOFF_MS: '100' });
    const created = await ws.run(['webhook', 'create', 'ops', '--url', url, '--events', 'job.started']);
    const secret = created.stdout.split(': ').at(-1)!.trim();
    expect((await ws.run(['source', 'create', 'faker', '--connector', 'source-faker', '--config-json', '{"count":1}'])).exitCode).toBe(0);
    expect((await ws.run(['destination', 'create', 'void', '--connector', 'destination-dev-null', '--config-json', '{}'])).exitCode).toBe(0);
    expect((await ws.run(['connection', 'create', 'quick', '--source', 'faker', '--destination', 'void', '--streams', 'users'])).exitCode).toBe(0);
    const synced = await ws.run(['sync', 'quick']);
    expect(synced.exitCode).toBe(0);
    expect(synced.stderr).not.toContain(secret.slice('whsec_'.length));
    expect(deliveries.map((delivery) => delivery.answered)).toEqual([503, 204]);
    const [first, retry] = deliveries as [Delivery, Delivery];
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(retry.text).toBe(first.text);
    const verifier = new Webhook(secret);
    for (const delivery of deliveries) expect((verifier.verify(delivery.text, delivery.headers as Record<string, string>) as any).event).toBe('job.started');
  });

  function events(): string[] {
    return deliveries.filter((delivery) => delivery.answered < 300).map((delivery) => {
      const body = JSON.parse(delivery.text);
      return `${body.event} ${body.job?.id}`;
    });
  }
});
