import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: headless Debian Chromium (playwright-core) against the production build of the web
 * app, the real API and a throwaway PostgreSQL, all started by the global setup. One file at a time:
 * they share one stack and a 2-core machine.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['./test/e2e/global-setup.ts'],
    reporters: ['default', '../harness/src/summary-reporter.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
