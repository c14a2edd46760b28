// Owns finding a connector's image on a Docker engine: saying which engine we talk to, turning "cannot reach it"
// into docker.unavailable, a missing image into connector.image_not_found, and pulling only when asked to.
import type Dockerode from 'dockerode';
import { SluiceError } from '../errors.js';

export const ENGINE_HINT = 'start a local engine with `make docker-engine`, or point DOCKER_HOST at a running one';

/** Errors that mean the engine itself did not answer (socket missing, refused, unreachable), not a bad request. */
const CONNECTION_ERRORS = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EACCES',
  'EPERM',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

interface ModemAddress {
  socketPath?: string | (() => Promise<string>);
  host?: string;
  port?: string | number;
  protocol?: string;
}

/** The engine address as the docker CLI would print it, e.g. `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2375`. */
export async function dockerHostName(docker: Dockerode): Promise<string> {
  const modem = docker.modem as unknown as ModemAddress;
  if (modem.host) {
    const scheme = modem.protocol === 'ssh' ? 'ssh' : 'tcp';
    return `${scheme}://${modem.host}${modem.port ? `:${modem.port}` : ''}`;
  }
  // Without DOCKER_HOST, docker-modem picks the socket lazily (~/.docker/run/docker.sock or /var/run/docker.sock).
  const socketPath = typeof modem.socketPath === 'function' ? await modem.socketPath() : modem.socketPath;
  return `unix://${socketPath ?? '/var/run/docker.sock'}`;
}

export function isEngineUnreachable(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && CONNECTION_ERRORS.has(code);
}

export function engineUnavailable(host: string, error: unknown): SluiceError {
  const reason = (error as Error | undefined)?.message ?? String(error);
  return new SluiceError('docker.unavailable', `Docker is not reachable at ${host}: ${reason}`, {
    cause: error,
    hint: ENGINE_HINT,
  });
}

function statusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/**
 * The image's configuration (its Id, Env, Entrypoint, User). A missing image is pulled only when `pull` is set;
 * otherwise, and when the pull fails, it is connector.image_not_found.
 */
export async function findImage(
  docker: Dockerode,
  image: string,
  options: { pull: boolean; host: string },
): Promise<Dockerode.ImageInspectInfo> {
  const inspect = async (): Promise<Dockerode.ImageInspectInfo | undefined> => {
    try {
      return await docker.getImage(image).inspect();
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      if (isEngineUnreachable(error)) throw engineUnavailable(options.host, error);
      throw new SluiceError('connector.spawn_failed', `could not inspect Docker image ${image} on ${options.host}: ${message(error)}`, {
        cause: error,
      });
    }
  };
  const found = await inspect();
  if (found) return found;
  if (!options.pull) {
    throw new SluiceError('connector.image_not_found', `Docker image ${image} is not present on ${options.host}`, {
      hint: 'build it or pass --pull',
    });
  }
  await pullImage(docker, image, options.host);
  const pulled = await inspect();
  if (pulled) return pulled;
  throw new SluiceError('connector.image_not_found', `Docker image ${image} is still not present on ${options.host} after pulling it`);
}

async function pullImage(docker: Dockerode, image: string, host: string): Promise<void> {
  try {
    const progress = await docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      // A failed pull may still answer 200 and report the error inside the progress stream.
      docker.modem.followProgress(
        progress,
        (error) => (error ? reject(error) : resolve()),
        (event: { error?: string; errorDetail?: { message?: string } }) => {
          if (event.error) reject(new Error(event.errorDetail?.message ?? event.error));
        },
      );
    });
  } catch (error) {
    if (isEngineUnreachable(error)) throw engineUnavailable(host, error);
    throw new SluiceError('connector.image_not_found', `Docker image ${image} could not be pulled to ${host}: ${message(error)}`, {
      cause: error,
      hint: 'check the image name and that the engine can reach its registry',
    });
  }
}

/** Docker's API errors carry the daemon's own words in `json.message`; prefer them to dockerode's wrapper text. */
export function message(error: unknown): string {
  const json = (error as { json?: { message?: string } } | undefined)?.json;
  if (json?.message) return json.message;
  return (error as Error | undefined)?.message ?? String(error);
}
