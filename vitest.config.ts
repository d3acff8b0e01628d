import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One throw-away PostgreSQL per run for the PostgreSQL state tests (started only if tests run).
    globalSetup: ['test/helpers/postgres.ts'],
    // Tests start real servers on 127.0.0.1 and spawn the CLI; two cores, so keep forks modest.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
