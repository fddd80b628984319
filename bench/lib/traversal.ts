import type pg from 'pg';
import type { GraphStore, TraversalOptions } from '../../backend/src/graph/port.ts';
import { SEED_TRAVERSAL_SQL } from '../../backend/src/graph/seed-query.ts';
import type { TimedClient } from './http.ts';
import { elapsedMs, sortSamples, summarize, type Summary } from './stats.ts';

export type TraversalKind = 'http' | 'store' | 'seedSql';

export interface TraversalMeasurement {
  latency: Summary;
  sorted: Float64Array;
  /** What one call returned, to show the work is the same on every path. */
  size: string;
}

export interface TraversalOptionsForBench {
  client: TimedClient;
  path: string;
  store: GraphStore;
  startId: string;
  traversal: TraversalOptions;
  sqlClient: pg.Client;
  count: number;
  warmup: number;
  log: (line: string) => void;
}

interface Probe {
  kind: TraversalKind;
  /** Runs once and returns its duration in ms; the first call also records the result size. */
  run(): Promise<number>;
  size: string;
}

/**
 * The three measurements alternate (and rotate their order every round) so that whatever else the
 * shared machine is doing lands on all of them alike; a block of one then a block of another would
 * compare two different moments instead of two code paths.
 */
export async function runTraversals(
  options: TraversalOptionsForBench,
): Promise<Record<TraversalKind, TraversalMeasurement>> {
  const probes = [httpProbe(options), storeProbe(options), sqlProbe(options)];
  const samples: Record<TraversalKind, number[]> = { http: [], store: [], seedSql: [] };
  const rounds = options.warmup + options.count;
  options.log(`traversal: ${options.warmup} warm-up rounds, then ${options.count} measured rounds`);
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < probes.length; offset++) {
      const probe = probes[(round + offset) % probes.length]!;
      const ms = await probe.run();
      if (round >= options.warmup) samples[probe.kind].push(ms);
    }
    const measured = round + 1 - options.warmup;
    if (measured > 0 && measured % Math.max(1, Math.round(options.count / 5)) === 0)
      options.log(`traversal: ${measured}/${options.count} rounds`);
  }
  const measurement = (probe: Probe): TraversalMeasurement => {
    const sorted = sortSamples(samples[probe.kind]);
    return { latency: summarize(sorted), sorted, size: probe.size };
  };
  return { http: measurement(probes[0]!), store: measurement(probes[1]!), seedSql: measurement(probes[2]!) };
}

function httpProbe(options: TraversalOptionsForBench): Probe {
  const probe: Probe = {
    kind: 'http',
    size: '',
    async run() {
      const response = await options.client.get(options.path);
      if (response.status !== 200)
        throw new Error(`GET ${options.path} answered ${response.status}: ${response.body.toString('utf8')}`);
      if (!probe.size) {
        const body = JSON.parse(response.body.toString('utf8')) as {
          nodes: unknown[];
          edges: unknown[];
          total_nodes: number;
          truncated: boolean;
        };
        probe.size = describeSubgraph(body.nodes.length, body.edges.length, body.total_nodes, body.truncated);
        probe.size += `, ${(response.body.length / 1024).toFixed(0)} KiB of JSON`;
      }
      return response.ms;
    },
  };
  return probe;
}

function storeProbe(options: TraversalOptionsForBench): Probe {
  const probe: Probe = {
    kind: 'store',
    size: '',
    async run() {
      const start = process.hrtime.bigint();
      const subgraph = await options.store.related(options.startId, options.traversal);
      const ms = elapsedMs(start);
      probe.size ||= describeSubgraph(
        subgraph.nodes.length,
        subgraph.edges.length,
        subgraph.total_nodes,
        subgraph.truncated,
      );
      return ms;
    },
  };
  return probe;
}

function sqlProbe(options: TraversalOptionsForBench): Probe {
  const probe: Probe = {
    kind: 'seedSql',
    size: '',
    async run() {
      const start = process.hrtime.bigint();
      const result = await options.sqlClient.query(SEED_TRAVERSAL_SQL);
      const ms = elapsedMs(start);
      if (!probe.size) {
        const distinct = new Set(result.rows.map((row: { id: string }) => row.id)).size;
        probe.size = `${result.rowCount} rows (${distinct} distinct terms; paths are not deduplicated)`;
      }
      return ms;
    },
  };
  return probe;
}

function describeSubgraph(nodes: number, edges: number, total: number, truncated: boolean): string {
  return `${nodes} nodes, ${edges} edges${truncated ? ` (capped; ${total} terms in reach)` : ''}`;
}
