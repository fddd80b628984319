/**
 * Starts the stack once for the whole end-to-end run (Chromium check, PostgreSQL, API, fresh web build)
 * and hands its URLs to the tests; stops it in teardown or when the run is interrupted.
 *
 * LEXIKON_E2E_SKIP_BUILD=1 reuses frontend/build as it is (quicker when iterating on tests only).
 */
import type { TestProject } from 'vitest/node';
import { ensureChromium, startStack, type Stack } from '../support/stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    webUrl: string;
    webDir: string;
    databaseUrl: string;
    jwtSecret: string;
  }
}

let stack: Stack | undefined;
const log = (line: string): void => void process.stderr.write(`[e2e] ${line}\n`);

export async function setup(project: TestProject): Promise<void> {
  const started = performance.now();
  ensureChromium(log);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void (stack?.stop() ?? Promise.resolve()).finally(() => process.kill(process.pid, signal));
    });
  }
  stack = await startStack({ log, build: process.env.LEXIKON_E2E_SKIP_BUILD !== '1' });
  project.provide('apiUrl', stack.apiUrl);
  project.provide('webUrl', stack.webUrl);
  project.provide('webDir', stack.webDir);
  project.provide('databaseUrl', stack.databaseUrl);
  project.provide('jwtSecret', stack.jwtSecret);
  log(`stack ready in ${Math.round(performance.now() - started)} ms`);
}

export async function teardown(): Promise<void> {
  await stack?.stop();
  stack = undefined;
}
