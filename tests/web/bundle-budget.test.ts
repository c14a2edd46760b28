// The budget for the built dashboard: what a browser loads to show the overview is under 350 KB gzipped.
// That is every script and stylesheet dist/web/index.html references, and any chunk the overview loads lazily
// (found by opening it in Chromium against a real `sluice serve`); each is gzipped at the default level, as a server
// or CDN would, and the figures are printed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { chromiumAvailability, useDashboard } from './support/browser.js';

const BUDGET_BYTES = 350 * 1024;
const webDir = join(repoRoot, 'dist/web');

const chromiumMissing = chromiumAvailability();

describe.runIf(!chromiumMissing)('the built dashboard', () => {
  const dash = useDashboard();

  beforeAll(async () => {
    // A connection, so that the overview draws its table (not the first-steps page).
    const created = [
      await dash.call('POST', '/sources', { name: 'faker', connector: 'source-faker', config: { count: 5 } }),
      await dash.call('POST', '/destinations', { name: 'void', connector: 'destination-dev-null', config: {} }),
      await dash.call('POST', '/connections', { name: 'faker-to-void', source: 'faker', destination: 'void', streams: ['users'] }),
    ];
    expect(created.map((result) => result.status)).toEqual([201, 201, 201]);
  });

  it('loads the overview with under 350 KB of scripts and styles, gzipped', async () => {
    const html = readFileSync(join(webDir, 'index.html'), 'utf8');
    const referenced = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((match) => match[1]!);
    expect(referenced.some((path) => path.endsWith('.js'))).toBe(true);

    const requested = new Set<string>();
    const page = await dash.open('/');
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (/^\/assets\/.+\.(js|css)$/.test(path)) requested.add(path);
    });
    await page.reload();
    await page.getByRole('row', { name: /faker-to-void/ }).waitFor();
    await page.waitForLoadState('networkidle');

    const loaded = [...new Set([...referenced, ...requested])].sort();
    const sizes = loaded.map((path) => {
      const content = readFileSync(join(webDir, path));
      return { path, raw: content.length, gzipped: gzipSync(content).length };
    });
    const total = sizes.reduce((sum, size) => sum + size.gzipped, 0);
    for (const size of sizes) console.log(`${size.path}: ${kb(size.raw)} raw, ${kb(size.gzipped)} gzipped`);
    console.log(`the overview loads ${kb(total)} gzipped (budget ${kb(BUDGET_BYTES)})`);
    expect(total).toBeLessThan(BUDGET_BYTES);
  });
});

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
