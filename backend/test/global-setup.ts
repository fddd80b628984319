import type { TestProject } from 'vitest/node';
import { ensureLocust } from '../../load/locust.ts';
import { startPostgresCluster, type PostgresCluster } from '@lexikon/harness/postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
    /** The Locust executable, installed before any test's clock starts. */
    locustBin: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  // Only the postgres project needs a server (the pglite project's tests run on embedded PGlite).
  if (project.name !== 'postgres') {
    project.provide('postgresUrl', '');
    project.provide('locustBin', '');
    return;
  }
  // Tools are installed here, once, so no test's deadline includes a download (issue 14: the load smoke
  // test timed out installing Locust on a busy machine).
  const [started, locust] = await Promise.all([
    cluster ?? startPostgresCluster({ log: (line) => console.log(`[postgres] ${line}`) }),
    ensureLocust((line) => console.log(`[locust] ${line}`)),
  ]);
  cluster = started;
  project.provide('postgresUrl', cluster.url);
  project.provide('locustBin', locust);
  // An interrupted run must not leave a server behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void cluster?.stop().finally(() => process.kill(process.pid, signal));
    });
  }
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
  cluster = undefined;
}
