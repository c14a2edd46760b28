// Owns removing the connector containers a killed Sluice left on the engine: each container is labelled with its
// owner (`io.sluice.owner` = host:pid); before its first container, a Sluice process removes those of this host
// whose owner process is dead. Containers of a live owner, of another host, or without the label are left alone.
import type Dockerode from 'dockerode';
import { hostname } from 'node:os';
import { isOwnerAlive } from './owner-process.js';

export const OWNER_LABEL = 'io.sluice.owner';

/** This process, as written in the owner label. */
export const ownerLabelValue = (): string => `${hostname()}:${process.pid}`;

const swept = new WeakMap<Dockerode, Promise<string[]>>();

/** Removes the stale containers once per engine and process; resolves with the names removed, never rejects. */
export function sweepStaleContainers(docker: Dockerode, label: string): Promise<string[]> {
  let sweeping = swept.get(docker);
  if (sweeping === undefined) {
    sweeping = sweep(docker, label).catch(() => []);
    swept.set(docker, sweeping);
  }
  return sweeping;
}

async function sweep(docker: Dockerode, label: string): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${label}=1`, OWNER_LABEL] } });
  const host = hostname();
  const removed: string[] = [];
  for (const container of containers) {
    const owner = container.Labels[OWNER_LABEL] ?? '';
    const separator = owner.lastIndexOf(':');
    if (owner.slice(0, separator) !== host) continue;
    const pid = Number(owner.slice(separator + 1));
    if (isOwnerAlive(pid)) continue;
    await docker.getContainer(container.Id).remove({ force: true, v: true }).then(
      () => removed.push(container.Names[0] ?? container.Id),
      () => undefined,
    );
  }
  return removed;
}
