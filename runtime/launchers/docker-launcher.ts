// Owns running a connector as a Docker container: find the image (pull only when asked), create the container with
// its resources and network, put its files in through the API, attach its stdio, start it. The engine is the one
// DOCKER_HOST names (unix:// or tcp://, read by dockerode as the docker CLI reads it), local or remote.
//
// Each container gets only the image's environment plus request.env, runs under docker-init (so SIGTERM reaches the
// connector instead of being ignored by PID 1), is labelled io.sluice.launcher=1 and with its owner (host:pid), and
// is removed after it exits; those a killed Sluice left are removed before the first launch (docker-sweep.ts).
import Dockerode from 'dockerode';
import { SluiceError } from '../errors.js';
import { airbyteEntrypoint, containerProcess } from './docker-entrypoint.js';
import { containerFilePaths, putConnectorFiles, resolveContainerUser } from './docker-files.js';
import { dockerHostName, engineUnavailable, findImage, isEngineUnreachable, message } from './docker-image.js';
import { RunningContainer } from './docker-container.js';
import { attachStdio, type ContainerStdio } from './docker-stdio.js';
import { OWNER_LABEL, ownerLabelValue, sweepStaleContainers } from './docker-sweep.js';
import { protocolArgs, type Launcher, type LaunchRequest, type RunningConnector } from './launcher.js';

export const CONTAINER_LABEL = 'io.sluice.launcher';

export interface DockerLauncherOptions {
  /** `IMAGE[:TAG]` or `IMAGE@DIGEST`, without the `docker:` prefix. */
  image: string;
  /** HostConfig.Memory: the container's memory limit in bytes. Unset: no limit. */
  memoryBytes?: number;
  /** HostConfig.NanoCpus: CPU quota in billionths of a CPU (1.5 CPUs = 1_500_000_000). Unset: no limit. */
  nanoCpus?: number;
  /**
   * HostConfig.NetworkMode. Defaults to 'none': a connector gets no network unless the caller says so
   * ('bridge', 'host' or a network name), which also suits engines started without a bridge (`make docker-engine`).
   */
  networkMode?: string;
  /** Pull the image when it is not present on the engine. Default false: a missing image is an error. */
  pull?: boolean;
  /** Run docker-init as PID 1 (HostConfig.Init). Default true; turn off for engines without docker-init. */
  init?: boolean;
  /** The engine to use. Default: `new Dockerode()`, which follows DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH. */
  docker?: Dockerode;
}

/** Whether an image (by Id) has /bin/sh, learnt the first time it is run with an AIRBYTE_ENTRYPOINT. */
const imageHasShell = new Map<string, boolean>();

export class DockerLauncher implements Launcher {
  readonly displayName: string;
  readonly #docker: Dockerode;

  constructor(readonly options: DockerLauncherOptions) {
    this.displayName = `docker:${options.image}`;
    this.#docker = options.docker ?? new Dockerode();
  }

  /** The image's Id (its content digest) on this engine; undefined when the engine or the image cannot be found. */
  async identity(): Promise<string | undefined> {
    try {
      const { Id } = await this.#docker.getImage(this.options.image).inspect();
      return JSON.stringify(['docker', await dockerHostName(this.#docker), Id]);
    } catch {
      return undefined;
    }
  }

  async launch(request: LaunchRequest): Promise<RunningConnector> {
    const host = await dockerHostName(this.#docker);
    const image = await findImage(this.#docker, this.options.image, { pull: this.options.pull ?? false, host });
    // Containers a killed Sluice left behind on this engine go first.
    await sweepStaleContainers(this.#docker, CONTAINER_LABEL);
    const files = request.files ?? {};
    const args = [...protocolArgs(request.command, containerFilePaths(files)), ...(request.extraArgs ?? [])];
    const container = await this.#create(image, request, args, host);
    let stdio: ContainerStdio | undefined;
    try {
      await putConnectorFiles(container, files, await resolveContainerUser(container, image.Config.User));
      // Attached before start: output written in the first instant would otherwise be lost.
      stdio = await attachStdio(container, request.stdin === true);
      await container.start();
    } catch (error) {
      stdio?.destroy();
      await container.remove({ force: true, v: true }).catch(() => undefined);
      throw this.#startError(error, host);
    }
    return new RunningContainer(container, stdio, request, this.displayName);
  }

  /** Creates the container; with an AIRBYTE_ENTRYPOINT, once more without a shell if the image turns out to have none. */
  async #create(
    image: Dockerode.ImageInspectInfo,
    request: LaunchRequest,
    args: string[],
    host: string,
  ): Promise<Dockerode.Container> {
    const known = imageHasShell.get(image.Id);
    const container = await this.#createWith(image, request, args, known ?? true, host);
    if (known !== undefined || airbyteEntrypoint(image.Config) === undefined) return container;
    const hasShell = await container.infoArchive({ path: '/bin/sh' }).then(
      () => true,
      () => false,
    );
    imageHasShell.set(image.Id, hasShell);
    if (hasShell) return container;
    await container.remove({ force: true, v: true }).catch(() => undefined);
    return this.#createWith(image, request, args, false, host);
  }

  async #createWith(
    image: Dockerode.ImageInspectInfo,
    request: LaunchRequest,
    args: string[],
    hasShell: boolean,
    host: string,
  ): Promise<Dockerode.Container> {
    const command = containerProcess(this.options.image, image.Config, args, { hasShell });
    const stdin = request.stdin === true;
    try {
      return await this.#docker.createContainer({
        // By Id, so that the container runs the very image whose configuration we read.
        Image: image.Id,
        ...command,
        // Added to the image's own environment by the engine; nothing of Sluice's environment is passed.
        Env: Object.entries(request.env ?? {}).map(([name, value]) => `${name}=${value}`),
        Labels: {
          [CONTAINER_LABEL]: '1',
          [OWNER_LABEL]: ownerLabelValue(),
          'io.sluice.image': this.options.image,
          'io.sluice.command': request.command,
        },
        Tty: false,
        AttachStdin: stdin,
        AttachStdout: true,
        AttachStderr: true,
        OpenStdin: stdin,
        // The container's stdin closes when our attach connection closes its write side.
        StdinOnce: stdin,
        HostConfig: {
          NetworkMode: this.options.networkMode ?? 'none',
          Init: this.options.init ?? true,
          ...(this.options.memoryBytes === undefined ? {} : { Memory: this.options.memoryBytes }),
          ...(this.options.nanoCpus === undefined ? {} : { NanoCpus: this.options.nanoCpus }),
        },
      });
    } catch (error) {
      throw this.#startError(error, host);
    }
  }

  #startError(error: unknown, host: string): SluiceError {
    if (error instanceof SluiceError) return error;
    if (isEngineUnreachable(error)) return engineUnavailable(host, error);
    return new SluiceError(
      'connector.spawn_failed',
      `connector ${this.displayName} could not be started on ${host}: ${message(error)}`,
      { cause: error },
    );
  }
}
