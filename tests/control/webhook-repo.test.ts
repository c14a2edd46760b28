// The webhook store on both databases: a signing secret made per webhook, returned once, kept encrypted at rest,
// never listed, decrypted only for delivery; webhooks made before secrets existed are delivered unsigned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../control/store/open-store.js';
import { tempDir } from '../support/cli.js';
import { postgresAvailability, useFreshDatabase } from '../support/postgres.js';

const postgresMissing = await postgresAvailability();

function webhookContract(label: string, env: () => NodeJS.ProcessEnv): void {
  describe(`webhook secrets on ${label}`, () => {
    let store: Store;
    beforeAll(async () => {
      store = await openStore({ workspace: tempDir(), env: env() });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('are made per webhook, stored encrypted, never listed, and decrypted for delivery', async () => {
      const first = await store.webhooks.create({ name: 'a', url: 'http://127.0.0.1:1/a', events: ['job.started'] });
      const second = await store.webhooks.create({ name: 'b', url: 'http://127.0.0.1:1/b', events: ['job.cancelled'] });
      expect(first.secret).toMatch(/^whsec_/);
      expect(first.secret).not.toBe(second.secret);
      const rows = await store.db.all<{ secret: string }>('SELECT secret FROM webhooks ORDER BY name');
      expect(rows.map((row) => row.secret.startsWith('enc:v1:'))).toEqual([true, true]);
      expect(JSON.stringify(rows)).not.toContain(first.secret.slice(6));
      expect(JSON.stringify(await store.webhooks.list())).not.toContain('secret');
      expect((await store.webhooks.targets()).map((hook) => [hook.name, hook.secret])).toEqual([['a', first.secret], ['b', second.secret]]);
    });

    it('are absent for a webhook made before them, which is then delivered unsigned', async () => {
      await store.db.run("INSERT INTO webhooks (id, name, url, events, created_at) VALUES ('old', 'old', 'http://127.0.0.1:1/', '[\"job.failed\"]', 0)");
      expect((await store.webhooks.targets()).find((hook) => hook.name === 'old')!.secret).toBeNull();
    });
  });
}

webhookContract('SQLite', () => ({}));

describe.runIf(!postgresMissing)('PostgreSQL', () => {
  const url = useFreshDatabase();
  webhookContract('PostgreSQL', () => ({ SLUICE_DATABASE_URL: url(), SLUICE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') }));
});
