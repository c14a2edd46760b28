// Owns telling whether the Sluice process that left something behind (a connector working directory, a container)
// may still be alive. Only an owner known dead lets a sweep remove what it left: this process is alive, a number that
// cannot name a process counts as alive, and so does a process we may not signal (EPERM: alive, someone else's).

/** False only when `pid` names no running process (ESRCH). */
export function isOwnerAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
