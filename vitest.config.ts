import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores: end-to-end tests start many processes, so run files two at a time.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
