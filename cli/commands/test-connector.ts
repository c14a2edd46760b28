// Owns `sluice test-connector <connector> --config F [--config-invalid F] [--catalog F] [--kind K] [--json]`:
// runs the acceptance tests against any connector and prints one row per test (or the report as JSON); exits
// 1 when any test fails.
import { Command, Option } from 'commander';
import { connectorClient, interruptSignal, loggerFor, withConnectorOptions, type ConnectorOptions } from '../context.js';
import { printJson, printLines, table } from '../output.js';
import { readJsonFile } from '../../runtime/json-files.js';
import { readCatalogFile } from '../../runtime/catalog-file.js';
import { SluiceError } from '../../runtime/errors.js';
import { runAcceptanceTests } from '../../acceptance/runner.js';
import type { AcceptanceReport, ConnectorKind, TestOutcome } from '../../acceptance/results.js';

interface TestConnectorOptions extends ConnectorOptions {
  config: string;
  configInvalid?: string;
  catalog?: string;
  kind?: ConnectorKind;
  json?: boolean;
}

/** Each connector run gets this long unless --timeout says otherwise. */
const DEFAULT_TIMEOUT_SECONDS = '300';

export function testConnectorCommand(): Command {
  return withConnectorOptions(new Command('test-connector'))
    .description('run the acceptance tests (spec, check, discover, read, incremental, write) against a connector')
    .argument('<connector>', 'built-in name, path, command, or docker:IMAGE[:TAG]')
    .requiredOption('--config <file>', 'a config the connector accepts (JSON)')
    .option('--config-invalid <file>', 'a config the connector must reject in check (JSON)')
    .option('--catalog <file>', 'configured catalog to read (JSON); default: every discovered stream')
    .addOption(new Option('--kind <kind>', 'test as this kind instead of detecting it').choices(['source', 'destination']))
    .option('--json', 'print the report as JSON')
    .action(async (reference: string, options: TestConnectorOptions, command: Command) => {
      const config = await readJsonFile(options.config, 'config');
      const invalidConfig = options.configInvalid === undefined ? undefined : await readJsonFile(options.configInvalid, 'config');
      const catalog = options.catalog === undefined ? undefined : await readCatalogFile(options.catalog);
      const timeout = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
      const client = await connectorClient(reference, { ...options, timeout }, loggerFor(command), interruptSignal(loggerFor(command)));
      const report = await runAcceptanceTests({ client, config, invalidConfig, catalog, kind: options.kind });
      const counts = countOutcomes(report);
      if (options.json) printJson({ connector: report.connector, kind: report.kind, kindReason: report.kindReason, ...counts, results: report.results });
      else printLines(describeReport(report, counts));
      const failed = report.results.filter((result) => result.result === 'fail');
      if (failed.length > 0) {
        const ran = counts.passed + counts.failed;
        throw new SluiceError(
          'acceptance.failed',
          `${failed.length} of ${ran} acceptance tests failed: ${failed.map((result) => result.name).join(', ')}`,
        );
      }
    });
}

function countOutcomes(report: AcceptanceReport): { passed: number; failed: number; skipped: number } {
  const count = (outcome: TestOutcome): number => report.results.filter((result) => result.result === outcome).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip') };
}

function describeReport(report: AcceptanceReport, counts: { passed: number; failed: number; skipped: number }): string[] {
  const rows = report.results.map((result) => [result.name, result.result.toUpperCase(), result.detail]);
  return [
    `${report.connector}: tested as a ${report.kind} (${report.kindReason})`,
    ...table(['TEST', 'RESULT', 'DETAIL'], rows),
    `${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  ];
}
