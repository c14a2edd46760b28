// Owns the set of connector process groups alive in this Sluice process, so that none outlives Sluice:
// when Sluice exits for any reason it can still run synchronous code for, every group left is killed.
export const liveProcessGroups = new Set<number>();

process.once('exit', () => {
  for (const pid of liveProcessGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
