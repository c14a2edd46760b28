// Owns deciding what a connector container runs: the image's AIRBYTE_ENTRYPOINT when it declares one (as Airbyte's
// platform does), otherwise the image's own ENTRYPOINT, with the protocol arguments as the command.
import { SluiceError } from '../errors.js';

export interface ImageProcessConfig {
  Env?: string[] | null;
  Entrypoint?: string[] | string | null;
}

export interface ContainerProcess {
  /** Overrides the image's ENTRYPOINT; undefined keeps it. */
  Entrypoint?: string[];
  Cmd: string[];
}

/** The image's AIRBYTE_ENTRYPOINT, or undefined when it has none (or an empty one). */
export function airbyteEntrypoint(config: ImageProcessConfig): string | undefined {
  const entry = config.Env?.find((variable) => variable.startsWith('AIRBYTE_ENTRYPOINT='));
  const value = entry?.slice('AIRBYTE_ENTRYPOINT='.length).trim();
  return value ? value : undefined;
}

/**
 * What to run for `args`.
 *
 * Airbyte runs `eval "$AIRBYTE_ENTRYPOINT <args>"` in a shell. We do the same, reading the variable inside the
 * container and passing the arguments as "$@" so that no argument is re-parsed by the shell. When the entrypoint is
 * a plain command (no shell operators) we `exec` it, so that the connector itself receives SIGTERM on stop instead of
 * a shell that would not forward it. Images without /bin/sh (our minimal base images) cannot eval: there the
 * variable is split on whitespace and used as the ENTRYPOINT, which is the same thing for a plain command.
 */
export function containerProcess(
  image: string,
  config: ImageProcessConfig,
  args: string[],
  options: { hasShell: boolean },
): ContainerProcess {
  const airbyte = airbyteEntrypoint(config);
  if (airbyte !== undefined) {
    if (!options.hasShell) return { Entrypoint: airbyte.split(/\s+/), Cmd: args };
    const plain = !/[;&|<>()`\n]/.test(airbyte);
    const script = `eval "${plain ? 'exec ' : ''}$AIRBYTE_ENTRYPOINT \\"\\$@\\""`;
    return { Entrypoint: ['/bin/sh', '-c', script, 'sh'], Cmd: args };
  }
  const entrypoint = typeof config.Entrypoint === 'string' ? [config.Entrypoint] : (config.Entrypoint ?? []);
  if (entrypoint.length === 0) {
    // Our arguments would replace the image's CMD and `spec` would be run as a program: say so instead.
    throw new SluiceError(
      'connector.spawn_failed',
      `Docker image ${image} has neither an ENTRYPOINT nor an AIRBYTE_ENTRYPOINT, so it cannot be run as a connector`,
      { hint: 'add ENTRYPOINT ["python3", "/airbyte/main.py"] (or similar) to its Dockerfile' },
    );
  }
  return { Cmd: args };
}
