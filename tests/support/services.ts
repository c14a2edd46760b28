// Owns deciding whether tests that need an outside service (a Docker engine; later PostgreSQL) run here.
// The service answers: they run. It does not: they are skipped with one line saying why, except under CI=true,
// where a missing service is a failure (the file throws while loading), so CI can never go green by skipping.
//
//   const dockerMissing = await dockerAvailability();
//   describe.runIf(!dockerMissing)('DockerLauncher', () => { ... });
import Dockerode from 'dockerode';

const PROBE_TIMEOUT_MS = 5_000;
const warned = new Set<string>();
const cache = new Map<string, Promise<string | null>>();

/**
 * Runs `probe` once per service name (per test file) and returns null when it succeeds, or the reason the service is
 * not available. Throws under CI=true instead of returning a reason.
 */
export function requireService(name: string, probe: () => Promise<void>, hint?: string): Promise<string | null> {
  let result = cache.get(name);
  if (!result) {
    result = check(name, probe, hint);
    cache.set(name, result);
  }
  return result;
}

async function check(name: string, probe: () => Promise<void>, hint: string | undefined): Promise<string | null> {
  let reason: string | null = null;
  try {
    await withTimeout(probe(), PROBE_TIMEOUT_MS, `no answer within ${PROBE_TIMEOUT_MS} ms`);
  } catch (error) {
    reason = `${name} is not available: ${(error as Error).message ?? String(error)}${hint ? ` (${hint})` : ''}`;
  }
  if (reason === null) return null;
  if (process.env['CI'] === 'true') throw new Error(`${reason}; CI=true requires it, so these tests fail instead of skipping`);
  if (!warned.has(name)) {
    warned.add(name);
    console.warn(`[skipping ${name} tests] ${reason}`);
  }
  return reason;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The engine DOCKER_HOST names (or the default socket) answers a ping. */
export async function probeDocker(): Promise<void> {
  await new Dockerode().ping();
}

/** Null when a Docker engine answers, else why not (and the tests that need it skip, or fail under CI=true). */
export function dockerAvailability(): Promise<string | null> {
  return requireService('Docker', probeDocker, 'start one with `make docker-engine`');
}

/**
 * Null when a Docker engine answers and has every image in `images` (built once by `make test-images images`, as
 * .ci/run does; tests never build them), else why not: skipped with one line, or a failure under CI=true.
 */
export async function imagesAvailability(images: string[]): Promise<string | null> {
  const docker = await dockerAvailability();
  if (docker !== null) return docker;
  return requireService(`Docker images ${images.join(', ')}`, async () => {
    const engine = new Dockerode();
    for (const image of images) {
      try {
        await engine.getImage(image).inspect();
      } catch {
        throw new Error(`image ${image} is missing`);
      }
    }
  }, 'build them with `make test-images images`');
}
