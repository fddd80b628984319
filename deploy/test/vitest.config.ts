import { defineConfig } from 'vitest/config';

/**
 * The deployment checks: hadolint on the Dockerfiles, the real Compose CLI on deploy/compose.yaml, and
 * both images built and run with Podman. One file at a time (image builds fill both cores), with hook
 * timeouts sized for a first run that installs the tools and builds the stand-in base image.
 */
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['*.test.ts'],
    reporters: ['default', '../../harness/src/summary-reporter.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 30 * 60_000,
    teardownTimeout: 120_000,
  },
});
