// Commander's own parse errors end like every other failure: one `sluice: cli.usage: …` line on stderr, exit 2.
import { describe, expect, it } from 'vitest';
import { sluice } from '../support/cli.js';

const hint = '(run with --help for usage)';

describe('usage errors from the argument parser', () => {
  it('an unknown option', async () => {
    const result = await sluice(['spec', 'source-faker', '--no-such-flag']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sluice: cli.usage: unknown option '--no-such-flag' ${hint}`);
  });

  it('a missing argument', async () => {
    const result = await sluice(['spec']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sluice: cli.usage: missing required argument 'connector' ${hint}`);
  });

  it('a value outside the choices', async () => {
    const result = await sluice(['--log-level', 'loud', 'spec', 'source-faker']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      `sluice: cli.usage: option '--log-level <level>' argument 'loud' is invalid. Allowed choices are fatal, error, warn, info, debug, trace, silent. ${hint}`,
    );
  });

  it('an unknown command', async () => {
    const result = await sluice(['spek']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(`sluice: cli.usage: unknown command 'spek' (Did you mean spec?) ${hint}`);
  });

  it('help and version still print and exit 0', async () => {
    const help = await sluice(['spec', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: sluice spec');
    const version = await sluice(['--version']);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toBe('0.1.0');
  });
});
