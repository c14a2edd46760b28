// Owns getting a connector's JSON documents (config, catalog, state) into its container through the Docker API:
// a tar archive put into the created, not yet started, container. No bind mounts, so a remote engine works too.
// The files are owned by the user the container runs as and readable by it only (0600, directory 0700).
import type Dockerode from 'dockerode';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ConnectorFiles } from './launcher.js';
import { stringifyExactJson } from '../../protocol/exact-json.js';

/** Where the files appear inside the container. */
export const CONTAINER_FILES_DIR = '/tmp/sluice';

export interface ContainerUser {
  uid: number;
  gid: number;
}

export type ConnectorPaths = { config?: string; catalog?: string; state?: string };

const ROLES = ['config', 'catalog', 'state'] as const;

/** Where each file the request carries will be inside the container (the protocol arguments point there). */
export function containerFilePaths(files: ConnectorFiles): ConnectorPaths {
  const paths: ConnectorPaths = {};
  for (const role of ROLES) {
    if (files[role] !== undefined) paths[role] = `${CONTAINER_FILES_DIR}/${role}.json`;
  }
  return paths;
}

/** Puts the files into the created container, owned by `owner`; no archive at all when there are no files. */
export async function putConnectorFiles(
  container: Dockerode.Container,
  files: ConnectorFiles,
  owner: ContainerUser,
): Promise<void> {
  const roles = ROLES.filter((role) => files[role] !== undefined);
  if (roles.length === 0) return;
  const pack = tar.pack();
  // Relative to `/`, and without an entry for /tmp itself, so that the image's /tmp keeps its own mode.
  const dir = CONTAINER_FILES_DIR.slice(1);
  pack.entry({ name: `${dir}/`, type: 'directory', mode: 0o700, uid: owner.uid, gid: owner.gid });
  for (const role of roles) {
    // The state's numbers keep every digit (protocol/exact-json.ts).
    const content = Buffer.from(stringifyExactJson(files[role]), 'utf8');
    pack.entry({ name: `${dir}/${role}.json`, mode: 0o600, uid: owner.uid, gid: owner.gid }, content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const archive = Buffer.concat(chunks);
  await container.putArchive(archive, { path: '/' });
}

/**
 * The uid and gid the container's process will run as, from the image's USER (`name`, `uid`, `name:group`,
 * `uid:gid`, or empty for root). Names are looked up in the container's own /etc/passwd and /etc/group.
 * An unknown name falls back to root: Docker will then refuse to start the container and say why.
 */
export async function resolveContainerUser(container: Dockerode.Container, user: string | undefined): Promise<ContainerUser> {
  if (!user) return { uid: 0, gid: 0 };
  const [userPart = '', groupPart] = user.split(':', 2);
  let uid = toId(userPart);
  let gid: number | undefined;
  if (uid === undefined || groupPart === undefined) {
    const passwd = parseIdFile(await readContainerFile(container, '/etc/passwd'));
    const entry = passwd.find((line) => (uid === undefined ? line.name === userPart : line.id === uid));
    uid ??= entry?.id;
    gid = entry?.gid;
  }
  if (groupPart !== undefined) {
    gid = toId(groupPart);
    if (gid === undefined) {
      const groups = parseIdFile(await readContainerFile(container, '/etc/group'));
      gid = groups.find((line) => line.name === groupPart)?.id;
    }
  }
  return { uid: uid ?? 0, gid: gid ?? 0 };
}

function toId(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** Lines of /etc/passwd (`name:x:uid:gid:...`) or /etc/group (`name:x:gid:...`). */
function parseIdFile(text: string | undefined): Array<{ name: string; id: number; gid?: number }> {
  if (!text) return [];
  return text.split('\n').flatMap((line) => {
    const [name, , id, gid] = line.split(':');
    if (!name || id === undefined || toId(id) === undefined) return [];
    return [{ name, id: Number(id), gid: gid === undefined ? undefined : toId(gid) }];
  });
}

/** One small file of the (created) container's filesystem, or undefined when it does not exist. */
async function readContainerFile(container: Dockerode.Container, path: string): Promise<string | undefined> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await container.getArchive({ path });
  } catch {
    return undefined;
  }
  const extract = tar.extract();
  (archive as Readable).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    if (entry.header.type === 'file') return Buffer.concat(chunks).toString('utf8');
  }
  return undefined;
}
