// A kit connector validates its config unless Sluice says it has validated this very config against this very
// spec (SLUICE_CONFIG_VALIDATED, protocol/config-stamp.ts): then it does not even load the validator.
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { fixture, jsonFile, jsonLines, sluice, tempDir } from '../support/cli.js';
import { configStamp } from '../../dist/protocol/config-stamp.js';

const connector = fixture('kit-reports-validator.mjs');
const connectionSpecification = { type: 'object', required: ['count'], properties: { count: { type: 'integer', minimum: 0 } } };

/** Runs `check` by hand, with `env` only, and returns the CONNECTION_STATUS or TRACE it printed. */
async function checkByHand(config: object, env: Record<string, string> = {}) {
  const path = jsonFile(tempDir(), 'config.json', config);
  const result = await execa(process.execPath, [connector, 'check', '--config', path], { reject: false, env, extendEnv: false });
  return jsonLines(result.stdout).find((message) => message['type'] === 'CONNECTION_STATUS')?.['connectionStatus'];
}

describe('kit: a config Sluice validated', () => {
  it('run by hand, the connector validates its config: a bad one is refused, a good one loads the validator', async () => {
    expect(await checkByHand({ count: -1 })).toEqual({ status: 'FAILED', message: 'config: /count must be >= 0' });
    expect(await checkByHand({ count: 1 })).toEqual({ status: 'FAILED', message: 'validator loaded' });
  });

  it('with a stamp of another config or another spec, the connector validates as if run by hand', async () => {
    const otherConfig = configStamp(connectionSpecification, { count: 1 });
    expect(await checkByHand({ count: -1 }, { SLUICE_CONFIG_VALIDATED: otherConfig })).toEqual({ status: 'FAILED', message: 'config: /count must be >= 0' });
    const otherSpec = configStamp({ type: 'object' }, { count: -1 });
    expect(await checkByHand({ count: -1 }, { SLUICE_CONFIG_VALIDATED: otherSpec })).toEqual({ status: 'FAILED', message: 'config: /count must be >= 0' });
  });

  it('with the stamp of its own spec and this config, the connector skips validation and never loads the validator', async () => {
    const config = { count: 2 };
    expect(await checkByHand(config, { SLUICE_CONFIG_VALIDATED: configStamp(connectionSpecification, config) })).toEqual({ status: 'FAILED', message: 'validator not loaded' });
  });

  it('run by sluice, the connector gets the stamp of the config sluice validated', async () => {
    const dir = tempDir();
    const result = await sluice(['check', connector, '--config', jsonFile(dir, 'config.json', { count: 3 }), '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ status: 'FAILED', message: 'validator not loaded' });
  });
});
