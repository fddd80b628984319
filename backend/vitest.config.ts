import { defineConfig } from 'vitest/config';

/**
 * Three tiers. `unit` (test/unit/): services and workers with their ports stubbed, no database, no
 * HTTP — seconds (`npm run test:unit`). Then every HTTP test runs twice: on embedded PGlite and on a real
 * PostgreSQL server that the global setup starts (a throwaway cluster on a free loopback port) and stops.
 */
export default defineConfig({
  test: {
    reporters: ['default', '../harness/src/summary-reporter.ts'],
    // Hang detectors only (tests check behaviour, not timings); real processes on a shared 2-core machine
    // can be slow.
    testTimeout: 90_000,
    hookTimeout: 180_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          globalSetup: ['./test/global-setup.ts'],
          include: ['test/**/*.test.ts'],
          exclude: ['test/postgres-only/**', 'test/unit/**'],
          env: { LEXIKON_TEST_DATABASE: 'pglite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          globalSetup: ['./test/global-setup.ts'],
          include: ['test/**/*.test.ts'],
          // Embedded-only tests exercise what only PGlite has: a data directory one process owns.
          exclude: ['test/embedded-only/**', 'test/unit/**'],
          env: { LEXIKON_TEST_DATABASE: 'postgres' },
        },
      },
    ],
  },
});
