import type { Driver } from 'neo4j-driver';
import type { Logger } from 'pino';
import { registerGraphOutboxMetrics, type Metrics } from '../observability/metrics.ts';
import type { Clock } from '../platform/clock.ts';
import type { GraphConfig } from '../platform/config.ts';
import type { Db } from '../platform/database/client.ts';
import { FallbackGraphStore } from './fallback-graph-store.ts';
import { createNeo4jDriver } from './neo4j/driver.ts';
import { Neo4jGraphStore } from './neo4j/neo4j-graph-store.ts';
import { MIRROR_TRANSACTION_TIMEOUT_MS, Neo4jMirror } from './neo4j/neo4j-mirror.ts';
import { graphChangeRecorder, type GraphChangeRecorder } from './outbox/recorder.ts';
import { graphOutboxRepository } from './outbox/repository.ts';
import { GraphOutboxWorker } from './outbox/worker.ts';
import type { GraphStore } from './port.ts';
import { PostgresGraphStore } from './postgres-graph-store.ts';

export interface GraphRuntime {
  /** Where traversals run (GRAPH_ENGINE), with the fallback to PostgreSQL when that is Neo4j. */
  store: GraphStore;
  /** What term and relation writes call inside their transactions. */
  changes: GraphChangeRecorder;
  /** Null without a mirror. Started by the app when GRAPH_OUTBOX_WORKER is on. */
  outboxWorker: GraphOutboxWorker | null;
  close(): Promise<void>;
}

/**
 * Builds the graph feature's adapters from configuration, once per process. Without NEO4J_URI this is
 * PostgreSQL alone: no driver, no worker, no outbox rows.
 */
export function createGraphRuntime(deps: {
  config: GraphConfig;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
}): GraphRuntime {
  const { config, db, logger, metrics, clock } = deps;
  const postgres = new PostgresGraphStore(db);
  if (config.neo4j === null)
    return {
      store: postgres,
      changes: graphChangeRecorder(false),
      outboxWorker: null,
      close: async () => {},
    };

  const driver: Driver = createNeo4jDriver(config.neo4j);
  registerGraphOutboxMetrics(metrics, () => graphOutboxRepository.stats(db, clock.now()));
  const store =
    config.engine === 'neo4j'
      ? new FallbackGraphStore({
          primary: new Neo4jGraphStore(driver, { timeoutMs: config.neo4j.timeoutMs }),
          fallback: postgres,
          logger: logger.child({ feature: 'graph' }),
          clock,
          metrics: metrics.graph,
        })
      : postgres;
  const outboxWorker = new GraphOutboxWorker({
    db,
    mirror: new Neo4jMirror(driver),
    clock,
    logger: logger.child({ feature: 'graph-outbox' }),
    metrics: metrics.graph,
    options: { ...config.outbox, leaseMs: 2 * MIRROR_TRANSACTION_TIMEOUT_MS + 10_000 },
  });
  return {
    store,
    changes: graphChangeRecorder(true),
    outboxWorker,
    async close() {
      await outboxWorker.stop();
      await driver.close();
    },
  };
}
