// Owns running the acceptance suites against one connector and collecting their results: spec first, then check
// with discover, deciding from discover's answer whether the connector is a source or a destination (kind.ts),
// then the read suites
// (sources) or the write suite (destinations). Every test is reported exactly once, in a fixed order; those
// that do not apply to the kind are skipped. Details are redacted of the configs' secrets.
import type { ConfiguredAirbyteCatalog, ConnectorSpecification } from '../protocol/types.generated.js';
import type { ConnectorClient } from '../runtime/connector-client.js';
import { createRedactor, noRedaction, secretPaths, secretValues, type Redactor } from '../runtime/secrets.js';
import { checkConnection } from './check.js';
import { checkDiscovery, runDiscover, type DiscoverRun } from './discover.js';
import { checkFullRefreshReads } from './read.js';
import { checkIncrementalReads } from './incremental.js';
import { checkWrite } from './destination.js';
import { checkSpec, runSpec } from './spec.js';
import { secretLikeFields } from './secret-fields.js';
import { declaredKind, kindFromDiscovery } from './kind.js';
import { ACCEPTANCE_TESTS, all, inReportOrder, skip, type AcceptanceReport, type ConnectorKind, type TestResult } from './results.js';

export interface AcceptanceOptions {
  client: ConnectorClient;
  /** A config the connector accepts. */
  config: unknown;
  /** A config `check` must reject; the test is skipped without one. */
  invalidConfig?: unknown;
  /** The streams to read; every discovered stream when absent. */
  catalog?: ConfiguredAirbyteCatalog;
  /** Overrides the detection of the connector's kind. */
  kind?: ConnectorKind;
}

export async function runAcceptanceTests(options: AcceptanceOptions): Promise<AcceptanceReport> {
  const { client, config, invalidConfig } = options;
  const specRun = await runSpec({ client, redact: noRedaction });
  const redact = redactorFor(specRun.spec, [config, invalidConfig]);
  const target = { client, redact };
  const declared = declaredKind(options.kind, client.name);
  const [checks, discovery] = await Promise.all([
    checkConnection(target, config, invalidConfig),
    declared?.kind === 'destination' ? undefined : runDiscover(target, config),
  ]);
  const { kind, reason } = declared ?? kindFromDiscovery(discovery!, specRun.spec);
  const results: TestResult[] = [...checkSpec(specRun, config), ...checks];
  if (kind === 'source' && discovery) {
    const sources = { discovered: discovery.catalogs[0], given: options.catalog };
    const [reads, incremental] = await Promise.all([
      checkFullRefreshReads(target, config, sources),
      checkIncrementalReads(target, config, sources),
    ]);
    results.push(...checkDiscovery(target, discovery), ...reads, ...incremental, skip('destination.write', 'a source is not written to'));
  } else {
    const sourceOnly = ACCEPTANCE_TESTS.filter((name) => /^(discover|read|incremental)\./.test(name));
    results.push(...all(sourceOnly, skip, 'a destination does not discover or read'), await checkWrite(target, config, specRun.spec));
  }
  // Ctrl-C ends the connectors; what they then did is no verdict on them.
  client.options.signal?.throwIfAborted();
  return {
    connector: client.name,
    kind,
    kindReason: reason,
    results: inReportOrder(results).map((result) => ({ ...result, detail: redact(result.detail) })),
  };
}

/** Masks the values of the configs' secret fields: those marked airbyte_secret and those that look like one. */
function redactorFor(spec: ConnectorSpecification | undefined, configs: unknown[]): Redactor {
  if (!spec) return noRedaction;
  const schema = spec.connectionSpecification;
  const paths = [...secretPaths(schema), ...secretLikeFields(schema).map((field) => field.path)];
  return createRedactor(configs.flatMap((config) => (config === undefined ? [] : secretValues(config, paths))));
}
