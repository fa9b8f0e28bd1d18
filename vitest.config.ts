import { defineConfig } from 'vitest/config';

// Three projects, one command (`vitest run`):
// - node:   proxy, sandbox and build-script tests (real SQLite files, real PostgreSQL, real HTTP on 127.0.0.1)
// - widget: Preact components in happy-dom with msw
// - e2e:    the built widget.zip inside the sandbox host page, in Debian chromium via playwright-core
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['proxy/**/*.test.ts', 'sandbox/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        // Vite 8 transforms with oxc (its `esbuild` option is ignored); same JSX setting as vite.config.ts.
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
        test: {
          name: 'widget',
          environment: 'happy-dom',
          include: ['widget/**/*.test.{ts,tsx}'],
          setupFiles: ['widget/test-support/setup.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
