// The local process launcher against real tiny executables: isolation, stderr, exit codes, signals, cancellation.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { ProcessLauncher } from '../../runtime/launchers/process-launcher.js';
import { resolveConnector } from '../../runtime/connector-ref.js';
import { readMessages } from '../../protocol/message-reader.js';
import { fixture } from '../support/cli.js';

const node = (script: string) => new ProcessLauncher({ file: process.execPath, args: [fixture(script)] }, script);

async function collect(stdout: NodeJS.ReadableStream) {
  const messages = [];
  for await (const item of readMessages(stdout as AsyncIterable<Buffer>)) if (item.kind === 'message') messages.push(item.message);
  return messages;
}

function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('ProcessLauncher', () => {
  it("gives the connector a minimal environment and its own working directory, removed afterwards", async () => {
    process.env['SLUICE_OWN_SECRET'] = 'must-not-leak';
    const running = await node('prints-env.mjs').launch({ command: 'spec', env: { ONLY_FOR_THIS: 'yes' } });
    const messages = await collect(running.stdout);
    const exit = await running.exited;
    expect(exit).toEqual({ exitCode: 0, signal: null, timedOut: false, cancelled: false });
    const env = JSON.parse(messages[0]!.log!.message) as Record<string, string>;
    expect(Object.keys(env).sort()).toEqual(expect.arrayContaining(['HOME', 'LANG', 'ONLY_FOR_THIS', 'PATH', 'TMPDIR']));
    expect(env['SLUICE_OWN_SECRET']).toBeUndefined();
    const cwd = messages[1]!.log!.message;
    expect(env['TMPDIR']).toBe(cwd);
    expect(cwd).toMatch(/sluice-connector-/);
    expect(existsSync(cwd)).toBe(false);
  });

  it('writes config, catalog and state into owner-only files', async () => {
    const launcher = new ProcessLauncher({ file: '/bin/sh', args: ['-c', 'stat -c "%a %n" "$3" "$5" "$7"; cat "$3"', 'sh'] }, 'sh');
    const running = await launcher.launch({ command: 'read', files: { config: { a: 1 }, catalog: { streams: [] }, state: [] } });
    const chunks: Buffer[] = [];
    for await (const chunk of running.stdout) chunks.push(chunk as Buffer);
    await running.exited;
    const text = Buffer.concat(chunks).toString();
    expect(text).toMatch(/^600 .*config\.json\n600 .*catalog\.json\n600 .*state\.json\n\{"a":1\}/);
  });

  it('passes stderr on line by line', async () => {
    const lines: string[] = [];
    const launcher = new ProcessLauncher({ file: '/bin/sh', args: ['-c', 'printf "one\\ntwo\\nthree" >&2', 'sh'] }, 'sh');
    const running = await launcher.launch({ command: 'spec', onStderrLine: (line) => lines.push(line) });
    running.stdout.resume();
    await running.exited;
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('reports the exit code and the killing signal', async () => {
    const failing = await node('exits-nonzero.mjs').launch({ command: 'read' });
    failing.stdout.resume();
    expect((await failing.exited).exitCode).toBe(3);
    const killed = await node('kills-itself.mjs').launch({ command: 'read' });
    killed.stdout.resume();
    expect(await killed.exited).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });

  it('stops a connector at its timeout', async () => {
    const running = await node('hangs.mjs').launch({ command: 'read', timeoutMs: 300 });
    running.stdout.resume();
    expect(await running.exited).toMatchObject({ timedOut: true, signal: 'SIGTERM' });
  });

  it('cancellation ends the whole process group: no grandchild survives', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const running = await node('spawns-grandchild.mjs').launch({
      command: 'read',
      signal: controller.signal,
      onStderrLine: (line) => {
        const match = /grandchild pid (\d+)/.exec(line);
        if (match) grandchild = Number(match[1]);
      },
    });
    running.stdout.resume();
    expect(await waitFor(() => grandchild > 0)).toBe(true);
    expect(processGone(grandchild)).toBe(false);
    controller.abort();
    expect(await running.exited).toMatchObject({ cancelled: true });
    expect(await waitFor(() => processGone(grandchild))).toBe(true);
  });

  it('a connector that ignores SIGTERM is killed after the grace period', async () => {
    const lines: string[] = [];
    const running = await node('ignores-sigterm.mjs').launch({ command: 'read', killGraceMs: 300, onStderrLine: (line) => lines.push(line) });
    // Wait until its handler is installed (it says so in a LOG message).
    const reader = readMessages(running.stdout as AsyncIterable<Buffer>);
    await reader.next();
    const started = Date.now();
    const exit = await running.stop();
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(lines).toContain('ignoring SIGTERM');
  });
});

describe('resolveConnector', () => {
  it('runs a command with arguments, the first word found on PATH', async () => {
    const launcher = await resolveConnector(`python3 ${fixture('python-source/source.py')}`);
    const running = await launcher.launch({ command: 'spec' });
    const messages = await collect(running.stdout);
    expect((await running.exited).exitCode).toBe(0);
    expect(messages.find((m) => m.type === 'SPEC')).toBeDefined();
  });
});
