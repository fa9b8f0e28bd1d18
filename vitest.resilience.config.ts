import { defineConfig } from 'vitest/config';

// `npm run test:resilience`: fault scenarios against both emulators. Each file boots a whole stack and
// compresses time, so files run one after another (2 shared cores) with generous timeouts. Figures go to
// test-results/resilience.json; `npm run resilience:record` publishes a passing run's figures.
export default defineConfig({
  test: {
    name: 'resilience',
    environment: 'node',
    include: ['test/resilience/**/*.test.ts'],
    globalSetup: ['test/resilience/support/fresh-run.ts'],
    fileParallelism: false,
    testTimeout: 12 * 60_000,
    hookTimeout: 3 * 60_000,
  },
});
