// Owns the acceptance tests as a vitest suite for connector authors: `defineAcceptanceSuite(...)` inside a
// test file registers one `it` per acceptance test (the same checks as `sluice test-connector`). The connector
// runs once for the whole suite; each test reports its own result. Tests for the other kind of connector are not
// registered; a test whose data does not apply (no incremental stream) passes only if the report says why.
// Test-only support: it imports vitest (a dev dependency) and the runtime; no production code imports it. It
// compiles with the rest (vitest's types do not break the build), so tsc still checks it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { connectorsDir, findBuiltinConnector } from '../runtime/launchers/builtin-connectors.js';
import type { ConfiguredAirbyteCatalog } from '../protocol/types.generated.js';
import { ConnectorClient } from '../runtime/connector-client.js';
import { resolveConnector } from '../runtime/connector-ref.js';
import type { Launcher } from '../runtime/launchers/launcher.js';
import { ProcessLauncher } from '../runtime/launchers/process-launcher.js';
import { runAcceptanceTests } from './runner.js';
import { ACCEPTANCE_TESTS, type AcceptanceReport, type ConnectorKind } from './results.js';

export interface AcceptanceSuiteOptions {
  /** A connector reference as `sluice` takes it (built-in name, path, command, docker:IMAGE), or a launcher. */
  connector: string | Launcher;
  /** A config the connector accepts: the value, or the path of a JSON file. */
  config: object | string;
  /** A config `check` must reject: the value, or the path of a JSON file. */
  invalidConfig?: object | string;
  /** The streams to read; every discovered stream when absent. */
  catalog?: ConfiguredAirbyteCatalog;
  /** Overrides the detection of the connector's kind. */
  kind?: ConnectorKind;
  /** Time limit for each connector run (default: 60 s). */
  timeoutMs?: number;
}

export function defineAcceptanceSuite(options: AcceptanceSuiteOptions): void {
  const label = typeof options.connector === 'string' ? options.connector : options.connector.displayName;
  let report: Promise<AcceptanceReport> | undefined;
  const results = (): Promise<AcceptanceReport> => (report ??= runSuite(options));
  describe(`acceptance tests of ${label}`, () => {
    for (const name of applicableTests(options)) {
      it(name, async () => {
        const result = (await results()).results.find((candidate) => candidate.name === name);
        // A check whose data does not apply (no incremental stream, say) is not a failure; it must say why.
        if (result?.result === 'skip') {
          expect(result.detail, `${name} does not apply but gives no reason`).toMatch(/\S/);
          return;
        }
        expect(result?.result, result?.detail ?? `${name} was not reported`).toBe('pass');
      });
    }
  });
}

/**
 * The tests that can apply, when that is known before the connector runs: only a source's or only a destination's,
 * and the invalid-config check only with an invalid config. What depends on the data (an incremental stream) is
 * decided by the run and reported as a skip with its reason.
 */
function applicableTests(options: AcceptanceSuiteOptions): readonly string[] {
  const kind = options.kind ?? (typeof options.connector === 'string' ? findBuiltinConnector(options.connector)?.kind : undefined);
  return ACCEPTANCE_TESTS.filter((name) => {
    if (name === 'check.invalid_config_fails' && options.invalidConfig === undefined) return false;
    if (kind === 'destination') return /^(spec|check|destination)\./.test(name);
    if (kind === 'source') return !name.startsWith('destination.');
    return true;
  });
}

async function runSuite(options: AcceptanceSuiteOptions): Promise<AcceptanceReport> {
  const launcher = typeof options.connector === 'string' ? await launcherFor(options.connector) : options.connector;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const client = new ConnectorClient(launcher, { timeoutMs, streamTimeoutMs: timeoutMs });
  return runAcceptanceTests({
    client,
    config: jsonValue(options.config),
    invalidConfig: options.invalidConfig === undefined ? undefined : jsonValue(options.invalidConfig),
    catalog: options.catalog,
    kind: options.kind,
  });
}

/**
 * Run from the sources (as vitest does), the registry points built-in names at sources Node cannot run: use
 * their compiled entry points in dist/ instead.
 */
/** The repository root when run from the sources (acceptance/ sits directly under it). */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

async function launcherFor(reference: string): Promise<Launcher> {
  const builtin = findBuiltinConnector(reference);
  if (!builtin || existsSync(join(connectorsDir, builtin.entry))) return resolveConnector(reference);
  const compiled = join(repoRoot, 'dist', 'connectors', builtin.entry);
  if (!existsSync(compiled)) throw new Error(`built-in connector ${reference} is not built: ${compiled} does not exist (run npm run build)`);
  return new ProcessLauncher({ file: process.execPath, args: [compiled] }, builtin.name);
}

function jsonValue(value: object | string): unknown {
  return typeof value === 'string' ? JSON.parse(readFileSync(value, 'utf8')) : value;
}
