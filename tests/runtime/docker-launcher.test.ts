// The Docker launcher against a real engine and tiny local images (built once by `make test-images`): files through the
// API, stdio, exit codes and signals, timeouts, cancellation, resources, network, and no container left behind.
// Skipped (one line says why) when no engine answers; under CI=true a missing engine fails the file instead.
import Dockerode from 'dockerode';
import { createServer, connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isSluiceError, type SluiceError } from '../../runtime/errors.js';
import { CONTAINER_LABEL, DockerLauncher, type DockerLauncherOptions } from '../../runtime/launchers/docker-launcher.js';
import { RunningContainer, exitResultOf } from '../../runtime/launchers/docker-container.js';
import { containerProcess } from '../../runtime/launchers/docker-entrypoint.js';
import { dockerHostName } from '../../runtime/launchers/docker-image.js';
import type { ExitResult, LaunchRequest, RunningConnector } from '../../runtime/launchers/launcher.js';
import { imagesAvailability } from '../support/services.js';
import { fixture } from '../support/cli.js';

const PYTHON_SOURCE = 'sluice-test/python-source:dev';
const PROBE = 'sluice-test/probe:dev';
const PROBE_PLAIN = 'sluice-test/probe-plain:dev';
const ARGV_SH = 'sluice-test/argv-sh:dev';

interface Run {
  lines: string[];
  messages: Array<Record<string, any>>;
  stderr: string[];
  exit: ExitResult;
  containerId: string;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Resolves with the first line while the rest keeps flowing (and is discarded). */
function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end === -1) return;
      stream.off('data', onData);
      stream.resume();
      resolve(text.slice(0, end));
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(text));
    stream.once('error', reject);
  });
}

function parseLines(text: string): { lines: string[]; messages: Array<Record<string, any>> } {
  const lines = text.split('\n').filter((line) => line !== '');
  const messages = lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, any>];
    } catch {
      return [];
    }
  });
  return { lines, messages };
}

function containerIdOf(running: RunningConnector): string {
  expect(running).toBeInstanceOf(RunningContainer);
  return (running as RunningContainer).container.id;
}

/** Launches, reads all of stdout, collects stderr lines, waits for the exit and the container's removal. */
async function run(options: DockerLauncherOptions, request: LaunchRequest, stdin?: string): Promise<Run> {
  const stderr: string[] = [];
  const running = await new DockerLauncher(options).launch({ ...request, onStderrLine: (line) => stderr.push(line) });
  if (stdin !== undefined) running.stdin!.end(stdin);
  const [text, exit] = await Promise.all([readAll(running.stdout), running.exited]);
  return { ...parseLines(text), stderr, exit, containerId: containerIdOf(running) };
}

async function launchError(promise: Promise<unknown>): Promise<SluiceError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isSluiceError(error)) throw new Error(`expected a SluiceError, got ${String(error)}`);
  return error;
}

const ok: ExitResult = { exitCode: 0, signal: null, timedOut: false, cancelled: false };

describe('containerProcess', () => {
  const args = ['read', '--config', '/tmp/sluice/config.json'];

  it('evals AIRBYTE_ENTRYPOINT in the image shell, exec-ing a plain command and passing our arguments as "$@"', () => {
    const config = { Env: ['PATH=/bin', 'AIRBYTE_ENTRYPOINT=python3 /airbyte/main.py'], Entrypoint: ['python3'] };
    expect(containerProcess('acme/x:1', config, args, { hasShell: true })).toEqual({
      Entrypoint: ['/bin/sh', '-c', 'eval "exec $AIRBYTE_ENTRYPOINT \\"\\$@\\""', 'sh'],
      Cmd: args,
    });
  });

  it('does not exec an AIRBYTE_ENTRYPOINT that is more than one command', () => {
    const config = { Env: ['AIRBYTE_ENTRYPOINT=cd /app && ./run'] };
    expect(containerProcess('acme/x:1', config, args, { hasShell: true }).Entrypoint?.[2]).toBe(
      'eval "$AIRBYTE_ENTRYPOINT \\"\\$@\\""',
    );
  });

  it('splits AIRBYTE_ENTRYPOINT on whitespace when the image has no shell', () => {
    const config = { Env: ['AIRBYTE_ENTRYPOINT= node  /airbyte/probe.mjs '] };
    expect(containerProcess('acme/x:1', config, args, { hasShell: false })).toEqual({
      Entrypoint: ['node', '/airbyte/probe.mjs'],
      Cmd: args,
    });
  });

  it("keeps the image's own ENTRYPOINT when there is no AIRBYTE_ENTRYPOINT", () => {
    const config = { Env: ['AIRBYTE_ENTRYPOINT='], Entrypoint: ['python3', '/airbyte/main.py'] };
    expect(containerProcess('acme/x:1', config, args, { hasShell: true })).toEqual({ Cmd: args });
  });

  it('refuses an image with neither an ENTRYPOINT nor an AIRBYTE_ENTRYPOINT', () => {
    expect(() => containerProcess('acme/x:1', { Env: [], Entrypoint: null }, args, { hasShell: true })).toThrow(
      'Docker image acme/x:1 has neither an ENTRYPOINT nor an AIRBYTE_ENTRYPOINT, so it cannot be run as a connector',
    );
  });
});

describe('exitResultOf', () => {
  const facts = { sentSignals: new Set<string>(), oomKilled: false, timedOut: false, cancelled: false };

  it('reports a 128+n status as the signal only when we sent that signal', () => {
    expect(exitResultOf(143, { ...facts, sentSignals: new Set(['SIGTERM']) })).toMatchObject({ exitCode: null, signal: 'SIGTERM' });
    expect(exitResultOf(137, { ...facts, sentSignals: new Set(['SIGTERM', 'SIGKILL']) })).toMatchObject({
      exitCode: null,
      signal: 'SIGKILL',
    });
  });

  it('reports 137 as SIGKILL when the OOM killer ended the container', () => {
    expect(exitResultOf(137, { ...facts, oomKilled: true })).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
  });

  it('reports any other status as the exit code the connector chose, 137 included', () => {
    expect(exitResultOf(137, facts)).toEqual({ exitCode: 137, signal: null, timedOut: false, cancelled: false });
    expect(exitResultOf(3, { ...facts, sentSignals: new Set(['SIGTERM']) })).toMatchObject({ exitCode: 3, signal: null });
  });

  it('reports an unknown status (container gone, engine gone) as neither code nor signal', () => {
    expect(exitResultOf(null, { ...facts, timedOut: true })).toEqual({ exitCode: null, signal: null, timedOut: true, cancelled: false });
  });
});

describe('DockerLauncher without an engine', () => {
  it('says docker.unavailable, where it looked, and how to start one', async () => {
    const docker = new Dockerode({ socketPath: '/nonexistent/docker.sock' });
    const error = await launchError(new DockerLauncher({ image: 'acme/x:1', docker }).launch({ command: 'spec' }));
    expect(error.code).toBe('docker.unavailable');
    expect(error.message).toBe('Docker is not reachable at unix:///nonexistent/docker.sock: connect ENOENT /nonexistent/docker.sock');
    expect(error.hint).toContain('make docker-engine');
  });

  it('says docker.unavailable for a DOCKER_HOST=tcp:// that refuses the connection', async () => {
    const previous = process.env['DOCKER_HOST'];
    try {
      process.env['DOCKER_HOST'] = 'tcp://127.0.0.1:9';
      const error = await launchError(new DockerLauncher({ image: 'acme/x:1' }).launch({ command: 'spec' }));
      expect(error.code).toBe('docker.unavailable');
      expect(error.message).toBe('Docker is not reachable at tcp://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9');
    } finally {
      if (previous === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = previous;
    }
  });

  it('reads DOCKER_HOST as the docker CLI does (unix:// and tcp://)', async () => {
    const previous = process.env['DOCKER_HOST'];
    try {
      process.env['DOCKER_HOST'] = 'unix:///run/elsewhere.sock';
      expect(await dockerHostName(new Dockerode())).toBe('unix:///run/elsewhere.sock');
      process.env['DOCKER_HOST'] = 'tcp://10.1.2.3:2375';
      expect(await dockerHostName(new Dockerode())).toBe('tcp://10.1.2.3:2375');
    } finally {
      if (previous === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = previous;
    }
  });
});

const dockerMissing = await imagesAvailability([PYTHON_SOURCE, PROBE, PROBE_PLAIN, ARGV_SH]);

describe.runIf(!dockerMissing)('DockerLauncher', { timeout: 60_000 }, () => {
  const docker = new Dockerode();
  let host: string;
  const fixtureJson = (name: string): unknown =>
    JSON.parse(readFileSync(fixture(`python-source/${name}`), 'utf8')) as unknown;

  beforeAll(async () => {
    host = await dockerHostName(docker);
  });

  afterAll(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`${CONTAINER_LABEL}=1`] } });
    expect(left.map((container) => container.Names)).toEqual([]);
  });

  async function gone(containerId: string): Promise<boolean> {
    const labelled = await docker.listContainers({ all: true, filters: { label: [`${CONTAINER_LABEL}=1`], id: [containerId] } });
    const inspected = await docker
      .getContainer(containerId)
      .inspect()
      .then(
        () => 'present',
        (error: { statusCode?: number }) => error.statusCode,
      );
    return labelled.length === 0 && inspected === 404;
  }

  it('runs spec with the image AIRBYTE_ENTRYPOINT and removes the container afterwards', async () => {
    const result = await run({ image: PYTHON_SOURCE }, { command: 'spec' });
    expect(result.exit).toEqual(ok);
    expect(result.lines[0]).toBe('python-source starting');
    expect(result.messages.find((message) => message['type'] === 'SPEC')?.['spec']?.['connectionSpecification']?.['title']).toBe(
      'Python Source Fixture',
    );
    expect(await gone(result.containerId)).toBe(true);
  });

  it('delivers the config file through the API, so check reads it', async () => {
    const good = await run({ image: PYTHON_SOURCE }, { command: 'check', files: { config: fixtureJson('config.json') } });
    expect(good.exit).toEqual(ok);
    expect(good.messages.find((message) => message['type'] === 'CONNECTION_STATUS')?.['connectionStatus']).toEqual({
      status: 'SUCCEEDED',
      message: 'api_key accepted',
    });
    const bad = await run({ image: PYTHON_SOURCE }, { command: 'check', files: { config: { count: 1, api_key: 'bad' } } });
    expect(bad.messages.find((message) => message['type'] === 'CONNECTION_STATUS')?.['connectionStatus']).toEqual({
      status: 'FAILED',
      message: 'authentication failed: the API key was rejected',
    });
  });

  it('reads with a catalog and a state file', async () => {
    const result = await run(
      { image: PYTHON_SOURCE },
      {
        command: 'read',
        files: { config: fixtureJson('config.json'), catalog: fixtureJson('configured_catalog.json'), state: fixtureJson('state.json') },
      },
    );
    expect(result.exit).toEqual(ok);
    const ids = result.messages
      .filter((message) => message['type'] === 'RECORD' && message['record']['stream'] === 'numbers')
      .map((message) => message['record']['data']['id'] as number);
    // config.json has 250 ids; state.json says numbers were read up to updated_at 200.
    expect(ids).toEqual(Array.from({ length: 50 }, (_, index) => 201 + index));
  });

  it('puts owner-only files, owned by the image USER, where the protocol arguments point', async () => {
    const result = await run(
      { image: PROBE },
      { command: 'read', files: { config: { a: 1 }, catalog: { streams: [] }, state: [] }, extraArgs: ['--debug'] },
    );
    expect(result.exit).toEqual(ok);
    const probe = result.messages[0]?.['probe'];
    expect(probe.argv).toEqual([
      'read',
      '--config',
      '/tmp/sluice/config.json',
      '--catalog',
      '/tmp/sluice/catalog.json',
      '--state',
      '/tmp/sluice/state.json',
      '--debug',
    ]);
    // The probe image runs as `airbyte` (uid 1000) and has no shell: its AIRBYTE_ENTRYPOINT was split.
    expect(probe.uid).toBe(1000);
    expect(probe.dir).toEqual({ mode: '700' });
    expect(probe.config).toEqual({ path: '/tmp/sluice/config.json', mode: '600', uid: 1000, content: { a: 1 } });
    expect(probe.catalog.content).toEqual({ streams: [] });
    expect(probe.state.content).toEqual([]);
  });

  it("evals an AIRBYTE_ENTRYPOINT that needs a shell and keeps each argument whole", async () => {
    const result = await run({ image: ARGV_SH }, { command: 'spec', extraArgs: ['two words', '$HOME', "it's", '*'] });
    expect(result.exit).toEqual(ok);
    expect(result.messages[0]).toEqual({ type: 'ARGV', argv: ['spec', 'two words', '$HOME', "it's", '*'] });
  });

  it("uses the image's ENTRYPOINT when it has no AIRBYTE_ENTRYPOINT", async () => {
    const result = await run({ image: PROBE_PLAIN }, { command: 'spec' });
    expect(result.exit).toEqual(ok);
    expect(result.messages[0]?.['probe']?.['argv']).toEqual(['spec']);
  });

  it("passes only request.env and the image's own environment", async () => {
    process.env['SLUICE_OWN_SECRET'] = 'must-not-leak';
    try {
      const result = await run({ image: PROBE }, { command: 'spec', env: { ONLY_FOR_THIS: 'yes' } });
      const env = result.messages[0]?.['probe']?.['env'] as Record<string, string>;
      expect(env['ONLY_FOR_THIS']).toBe('yes');
      expect(env['SLUICE_OWN_SECRET']).toBeUndefined();
      expect(env['PATH']).toBe('/usr/local/bin:/usr/bin:/bin');
      expect(Object.keys(env).sort()).toEqual(['AIRBYTE_ENTRYPOINT', 'HOME', 'HOSTNAME', 'ONLY_FOR_THIS', 'PATH']);
    } finally {
      delete process.env['SLUICE_OWN_SECRET'];
    }
  });

  it('round-trips stdin for write and closes it when the caller ends it', async () => {
    const lines = Array.from({ length: 20_000 }, (_, index) => JSON.stringify({ type: 'RECORD', n: index, pad: 'x'.repeat(100) }));
    const result = await run({ image: PROBE }, { command: 'write', stdin: true, files: { config: {} } }, lines.join('\n') + '\n');
    expect(result.exit).toEqual(ok);
    expect(result.lines).toEqual(lines);
    expect(result.stderr).toEqual(['probe: echoed 20000 lines']);
  });

  it('gives no stdin unless asked', async () => {
    const running = await new DockerLauncher({ image: PROBE }).launch({ command: 'spec' });
    expect(running.stdin).toBeNull();
    await readAll(running.stdout);
    expect(await running.exited).toEqual(ok);
  });

  it('splits stderr into lines for onStderrLine, separately from stdout', async () => {
    const result = await run(
      { image: PROBE },
      { command: 'check', files: { config: { stdout: ['out line'], stderr: ['first', 'second with spaces', ''] } } },
    );
    expect(result.stderr).toEqual(['first', 'second with spaces']);
    expect(result.lines.slice(1)).toEqual(['out line']);
  });

  it('reports a non-zero exit code as the connector chose it', async () => {
    const three = await run({ image: PROBE }, { command: 'check', files: { config: { exit_code: 3 } } });
    expect(three.exit).toEqual({ exitCode: 3, signal: null, timedOut: false, cancelled: false });
    // 137 looks like SIGKILL, but nobody sent one: it is the connector's own code.
    const own137 = await run({ image: PROBE }, { command: 'check', files: { config: { exit_code: 137 } } });
    expect(own137.exit).toEqual({ exitCode: 137, signal: null, timedOut: false, cancelled: false });
  });

  it('says connector.image_not_found for an image that is not on the engine, without pulling', async () => {
    const error = await launchError(new DockerLauncher({ image: 'sluice-test/does-not-exist:1' }).launch({ command: 'spec' }));
    expect(error.code).toBe('connector.image_not_found');
    expect(error.message).toBe(`Docker image sluice-test/does-not-exist:1 is not present on ${host}`);
    expect(error.hint).toBe('build it or pass --pull');
  });

  it('pulls a missing image only when asked, and says so when the pull fails', async () => {
    const error = await launchError(new DockerLauncher({ image: '127.0.0.1:9/sluice/nothing:1', pull: true }).launch({ command: 'spec' }));
    expect(error.code).toBe('connector.image_not_found');
    expect(error.message).toMatch(/^Docker image 127\.0\.0\.1:9\/sluice\/nothing:1 could not be pulled to unix:\/\/.+: .+/);
  });

  it('says connector.spawn_failed for an image that has no entrypoint at all, and leaves no container', async () => {
    const error = await launchError(new DockerLauncher({ image: 'sluice/python-base:3' }).launch({ command: 'spec' }));
    expect(error.code).toBe('connector.spawn_failed');
    expect(error.message).toBe(
      'Docker image sluice/python-base:3 has neither an ENTRYPOINT nor an AIRBYTE_ENTRYPOINT, so it cannot be run as a connector',
    );
  });

  it('says connector.spawn_failed when the engine refuses to start it, and removes the container', async () => {
    const error = await launchError(new DockerLauncher({ image: PROBE, networkMode: 'no-such-network' }).launch({ command: 'spec' }));
    expect(error.code).toBe('connector.spawn_failed');
    expect(error.message).toMatch(/^connector docker:sluice-test\/probe:dev could not be started on unix:\/\/.+: .*no-such-network/);
  });

  it('stops a connector that runs past its timeout with SIGTERM and removes the container', async () => {
    const started = Date.now();
    const result = await run({ image: PROBE }, { command: 'check', files: { config: { sleep_ms: 60_000 } }, timeoutMs: 1_500 });
    expect(result.exit).toEqual({ exitCode: null, signal: 'SIGTERM', timedOut: true, cancelled: false });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await gone(result.containerId)).toBe(true);
  });

  it('follows with SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const result = await run(
      { image: PROBE },
      { command: 'check', files: { config: { sleep_ms: 60_000, ignore_sigterm: true } }, timeoutMs: 3_000, killGraceMs: 500 },
    );
    expect(result.exit).toEqual({ exitCode: null, signal: 'SIGKILL', timedOut: true, cancelled: false });
    expect(result.stderr).toContain('probe: ignoring SIGTERM');
    expect(await gone(result.containerId)).toBe(true);
  });

  it('cancels through an AbortSignal', async () => {
    const controller = new AbortController();
    const running = await new DockerLauncher({ image: PROBE }).launch({
      command: 'check',
      files: { config: { sleep_ms: 60_000 } },
      signal: controller.signal,
    });
    // Once it runs: a signal sent in the instant the container starts may arrive before its init can forward it.
    await firstLine(running.stdout);
    controller.abort();
    const exit = await running.exited;
    expect(exit).toEqual({ exitCode: null, signal: 'SIGTERM', timedOut: false, cancelled: true });
    expect(await gone(containerIdOf(running))).toBe(true);
  });

  it('stop() ends a running connector and resolves with its exit', async () => {
    const running = await new DockerLauncher({ image: PROBE }).launch({ command: 'check', files: { config: { sleep_ms: 60_000 } } });
    await firstLine(running.stdout);
    const exit = await running.stop();
    expect(exit).toEqual({ exitCode: null, signal: 'SIGTERM', timedOut: false, cancelled: false });
    expect(await running.stop()).toBe(exit);
  });

  it('applies the memory, CPU and network settings to the container', async () => {
    const running = await new DockerLauncher({ image: PROBE, memoryBytes: 256 * 1024 * 1024, nanoCpus: 500_000_000 }).launch({
      command: 'check',
      files: { config: { sleep_ms: 60_000 } },
    });
    const info = await docker.getContainer(containerIdOf(running)).inspect();
    expect(info.HostConfig).toMatchObject({ Memory: 256 * 1024 * 1024, NanoCpus: 500_000_000, NetworkMode: 'none', Init: true });
    expect(info.Config.Labels).toMatchObject({ [CONTAINER_LABEL]: '1', 'io.sluice.image': PROBE, 'io.sluice.command': 'check' });
    // The probe reports before it sleeps; stop it once it has.
    const probe = JSON.parse(await firstLine(running.stdout)) as { probe: { interfaces: string[] } };
    await running.stop();
    // Network mode none: the connector sees the loopback interface only.
    expect(probe.probe.interfaces).toEqual(['lo']);
  });

  it('reports a container the OOM killer ended as killed by SIGKILL', async () => {
    const result = await run(
      { image: PROBE, memoryBytes: 64 * 1024 * 1024 },
      { command: 'check', files: { config: { allocate_mb: 512 } } },
    );
    expect(result.exit).toEqual({ exitCode: null, signal: 'SIGKILL', timedOut: false, cancelled: false });
    expect(result.stderr).not.toContain(`probe: allocated ${512 * 1024 * 1024} bytes`);
  });

  describe('through DOCKER_HOST=tcp://', () => {
    let proxy: Server;
    let previous: string | undefined;
    let connections = 0;

    beforeAll(async () => {
      // A TCP front for the local socket stands in for a remote engine: nothing may rely on the shared filesystem.
      const socketPath = host.replace(/^unix:\/\//, '');
      // Half-open both ways: the attach connection closes its write side to end the container's stdin.
      proxy = createServer({ allowHalfOpen: true }, (client) => {
        connections += 1;
        const engine = connect({ path: socketPath, allowHalfOpen: true });
        client.pipe(engine).pipe(client);
        client.on('error', () => engine.destroy());
        engine.on('error', () => client.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      previous = process.env['DOCKER_HOST'];
      process.env['DOCKER_HOST'] = `tcp://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      if (previous === undefined) delete process.env['DOCKER_HOST'];
      else process.env['DOCKER_HOST'] = previous;
      await new Promise((resolve) => proxy.close(resolve));
    });

    it('runs check with its config and a write round trip', async () => {
      const check = await run({ image: PYTHON_SOURCE }, { command: 'check', files: { config: fixtureJson('config.json') } });
      expect(check.exit).toEqual(ok);
      expect(check.messages.find((message) => message['type'] === 'CONNECTION_STATUS')?.['connectionStatus']?.['status']).toBe(
        'SUCCEEDED',
      );
      const write = await run({ image: PROBE }, { command: 'write', stdin: true }, 'a\nb\n');
      expect(write.exit).toEqual(ok);
      expect(write.lines).toEqual(['a', 'b']);
      expect(connections).toBeGreaterThan(0);
    });
  });
});
