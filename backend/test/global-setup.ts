import type { TestProject } from 'vitest/node';
import { startPostgresCluster, type PostgresCluster } from './support/postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

let cluster: PostgresCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster ??= await startPostgresCluster({ log: (line) => console.log(`[postgres] ${line}`) });
  project.provide('postgresUrl', cluster.url);
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
