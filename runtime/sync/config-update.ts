// Owns a connector's CONTROL message (connector config update, e.g. a refreshed OAuth token): the new config's
// secrets join the connector's mask at once, before anything about it is logged (the call's synchronous part);
// then the config is checked against the spec and kept: written over the config file it came from, atomically,
// after keeping the old one as FILE.bak, or handed to the owner of a stored config (the workspace encrypts it).
import { copyFile } from 'node:fs/promises';
import type { ConnectorClient } from '../connector-client.js';
import { writeJsonFileAtomic } from '../json-files.js';
import { validateAgainstSchema, formatIssues } from '../../protocol/validators.js';
import type { AirbyteControlMessage } from '../../protocol/types.generated.js';

export interface ConfigHome {
  /** The file the config came from. */
  configPath?: string;
  /** Keeps a config that did not come from a file (a stored source or destination). */
  onConfigUpdate?: (config: unknown) => Promise<void>;
}

export function persistConfigUpdate(client: ConnectorClient, control: AirbyteControlMessage, home: ConfigHome): Promise<void> {
  const config = control.connectorConfig?.config;
  if (control.type !== 'CONNECTOR_CONFIG' || config === undefined) return Promise.resolve();
  // Synchronous on purpose: the lines the connector writes after this message may already quote the new secret.
  client.maskSecretsOf(config);
  return keepConfig(client, config, home);
}

async function keepConfig(client: ConnectorClient, config: unknown, home: ConfigHome): Promise<void> {
  const { configPath, onConfigUpdate } = home;
  if (configPath === undefined && onConfigUpdate === undefined) {
    client.logger.warn('the connector updated its config, but the config did not come from a file: the update is not kept');
    return;
  }
  const spec = await client.spec();
  const issues = validateAgainstSchema(spec.connectionSpecification as object, config);
  if (issues.length > 0) {
    client.logger.warn(client.redact(`the connector sent a config update that does not match its spec; not kept: ${formatIssues(issues, configPath ?? 'config update')}`));
    return;
  }
  if (configPath === undefined) {
    await onConfigUpdate!(config);
    client.logger.info('the connector updated its config; the stored config is updated');
    return;
  }
  await copyFile(configPath, `${configPath}.bak`);
  await writeJsonFileAtomic(configPath, config);
  client.logger.info({ file: configPath }, 'the connector updated its config; the previous one is kept as .bak');
}
