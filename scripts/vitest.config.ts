import { defineConfig } from 'vitest/config';

/** Unit tests of the project's own scripts (no services, a few seconds). */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    reporters: ['default', '../harness/src/summary-reporter.ts'],
  },
});
