// Owns the dashboard's browser tests' world: a real `sluice serve` on a temporary workspace and a headless Chromium
// (Debian's, or the one SLUICE_CHROMIUM names) driven by playwright-core. Every page the test opens fails it on a
// console error or an uncaught page error, and leaves a full-page screenshot in tests/web/screenshots/.
// No Chromium: the file's tests are skipped with one line saying why, except under CI=true, where that fails.
//
//   const chromiumMissing = chromiumAvailability();
//   describe.runIf(!chromiumMissing)('the dashboard', () => { const dash = useDashboard(); ... });
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot, tempDir } from '../../support/cli.js';
import { workspace, type Workspace } from '../../support/workspace.js';
import { api, startServe, type ApiResult, type RunningServer } from '../../support/server.js';

export const chromiumPath = process.env['SLUICE_CHROMIUM'] ?? '/usr/bin/chromium';
export const screenshotDir = join(repoRoot, 'tests/web/screenshots');

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Null when Chromium is there; else why not (one line printed), or a throw under CI=true. */
export function chromiumAvailability(): string | null {
  if (existsSync(chromiumPath)) return null;
  const reason = `Chromium is not available: no ${chromiumPath} (install it with \`make chromium\`, or set SLUICE_CHROMIUM)`;
  if (process.env['CI'] === 'true') throw new Error(`${reason}; CI=true requires it, so these tests fail instead of skipping`);
  console.warn(`[skipping dashboard browser tests] ${reason}`);
  return reason;
}

export interface Dashboard {
  ws: Workspace;
  server: RunningServer;
  /** The page of the current test, opened on `path` of the dashboard. */
  open(path: string): Promise<Page>;
  /** A call to the server's API (to set things up as the CLI or a script would), with `headers` if given. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResult>;
  /**
   * The current test makes the server refuse a request with `status` on purpose (a failed check, a delete refused):
   * Chromium's own console line for that response ("Failed to load resource: … status of 422") does not fail it.
   */
  expectRefusals(...statuses: number[]): void;
  /** Saves a full-page screenshot of `page` as tests/web/screenshots/NAME.png (also done after each test). */
  screenshot(page: Page, name: string): Promise<void>;
}

/**
 * Starts `sluice serve` (with `serveArgs`, on a workspace with `env()`: a PostgreSQL one, say) and Chromium for the
 * file's tests; each test opens its own pages, which are checked for console and page errors, screenshotted and
 * closed after it.
 */
export function useDashboard(serveArgs: string[] = [], env: () => Record<string, string> = () => ({})): Dashboard {
  let context: BrowserContext;
  let profile: string;
  let pages: Page[] = [];
  let errors: string[] = [];
  let refusals: number[] = [];
  let testName = '';
  const dashboard = {} as Dashboard;

  beforeAll(async () => {
    mkdirSync(screenshotDir, { recursive: true });
    dashboard.ws = workspace(env());
    dashboard.server = await startServe(dashboard.ws.env, serveArgs);
    // A fresh profile (--user-data-dir): playwright takes it as a persistent context's directory.
    profile = tempDir('sluice-chromium-');
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await context?.close();
    await dashboard.server?.stop();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (dashboard.ws) rmSync(dashboard.ws.dir, { recursive: true, force: true });
  });
  beforeEach((context_) => {
    testName = context_.task.name;
    errors = [];
    refusals = [];
    pages = [];
  });
  afterEach(async () => {
    for (const [index, page] of pages.entries()) {
      if (!page.isClosed()) await dashboard.screenshot(page, `${slug(testName)}${pages.length > 1 ? `-${index + 1}` : ''}`);
      await page.close();
    }
    await context.clearCookies();
    expect(errors, 'console or page errors in the dashboard').toEqual([]);
  });

  dashboard.open = async (path) => {
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (message) => {
      if (message.type() === 'error' && !isExpectedRefusal(message.text(), refusals)) errors.push(`console: ${message.text()} (${page.url()})`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message} (${page.url()})`));
    pages.push(page);
    await page.goto(`${dashboard.server.url}${path}`);
    return page;
  };
  dashboard.expectRefusals = (...statuses) => refusals.push(...statuses);
  dashboard.call = (method, path, body, headers) => api(`${dashboard.server.url}/api/v1`, method, path, body, headers);
  dashboard.screenshot = async (page, name) => {
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
  };
  return dashboard;
}

function isExpectedRefusal(text: string, statuses: number[]): boolean {
  const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(text)?.[1];
  return status !== undefined && statuses.includes(Number(status));
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);
}
