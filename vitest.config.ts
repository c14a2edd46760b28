import { defineConfig } from 'vitest/config';

// Two projects: `unit` (files named *.unit.test.ts: pure functions and in-memory streams, no process, server,
// database or container) and `e2e` (every other test file: built CLI, fixture connectors, PostgreSQL, Docker).
export default defineConfig({
  test: {
    // One temporary directory per run, removed at its end (tests/support/test-tmpdir.ts).
    globalSetup: ['tests/support/test-tmpdir.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores: end-to-end tests start many processes, so run files two at a time.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.unit.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['tests/**/*.test.ts'], exclude: ['tests/**/*.unit.test.ts', '**/node_modules/**'] } },
    ],
  },
});
