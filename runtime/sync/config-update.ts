// Owns a connector's CONTROL message (connector config update): the new config is checked against the spec and
// written over the config file it came from, atomically, after keeping the old one as FILE.bak.
import { copyFile } from 'node:fs/promises';
import type { ConnectorClient } from '../connector-client.js';
import { writeJsonFileAtomic } from '../json-files.js';
import { validateAgainstSchema, formatIssues } from '../../protocol/validators.js';
import type { AirbyteControlMessage } from '../../protocol/types.generated.js';

export async function persistConfigUpdate(
  client: ConnectorClient,
  control: AirbyteControlMessage,
  configPath: string | undefined,
): Promise<void> {
  const config = control.connectorConfig?.config;
  if (control.type !== 'CONNECTOR_CONFIG' || config === undefined) return;
  if (configPath === undefined) {
    client.logger.warn('the connector updated its config, but the config did not come from a file: the update is not kept');
    return;
  }
  const spec = await client.spec();
  const issues = validateAgainstSchema(spec.connectionSpecification as object, config);
  if (issues.length > 0) {
    client.logger.warn(client.redact(`the connector sent a config update that does not match its spec; not kept: ${formatIssues(issues, configPath)}`));
    return;
  }
  await copyFile(configPath, `${configPath}.bak`);
  await writeJsonFileAtomic(configPath, config);
  client.logger.info({ file: configPath }, 'the connector updated its config; the previous one is kept as .bak');
}
