/**
 * The graph benchmark's results as data, and their two renderings: the plain-text summary printed at the
 * end of a run and docs/benchmarks/graph.md. Everything here is a pure function of a GraphReport.
 */
import { adrRule, seedRule, VERDICT_LABELS, type RuleOutcome } from './graph-decision.ts';
import type { DegreeProfile } from './graph-data.ts';
import type { ProbeMeasurement } from './graph-measure.ts';
import type { Summary } from './stats.ts';

export type SeedProbe = 'seedSql' | 'likeSql' | 'seedCypher';
export type StoreProbe = 'postgres' | 'neo4j';

export interface RowsSize {
  rows: number;
  /** Distinct names reached: the seed's Cypher returns names, and a name is unique per domain only. */
  distinct: number;
}

export interface SubgraphSize {
  nodes: number;
  edges: number;
  totalNodes: number;
  truncated: boolean;
}

export interface PairRun<Key extends string, Size> {
  warmupRounds: number;
  rounds: number;
  cutShort: boolean;
  measurements: Record<Key, ProbeMeasurement>;
  sizes: Record<Key, Size>;
}

export interface SizeResult {
  terms: number;
  relations: number;
  /** Relations of type related_to (the only ones the seed's Cypher follows). */
  relatedTo: number;
  degrees: DegreeProfile;
  load: {
    generateMs: number;
    postgresMs: number;
    analyzeMs: number;
    neo4jMs: number;
    neo4jBatches: number;
  };
  memory: {
    neo4jRssAfterLoadMiB: number | undefined;
    neo4jRssAfterRunMiB: number | undefined;
    postgresDatabaseMiB: number;
  };
  seed: PairRun<SeedProbe, RowsSize>;
  production: PairRun<StoreProbe, SubgraphSize>;
}

export interface GraphMachine {
  os: string;
  cpuModel: string;
  cpuCount: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  neo4j: string;
  jvm: string;
  loadBefore: number[];
  loadAfter: number[];
}

export interface GraphParameters {
  seed: number;
  depth: number;
  direction: 'out' | 'both';
  maxNodes: number;
  rounds: number;
  warmupRounds: number;
  warmupMaxSeconds: number;
  maxSeconds: number;
  neo4jHeap: string;
}

export interface GraphReport {
  generatedAt: Date;
  commit: string;
  command: string;
  machine: GraphMachine;
  parameters: GraphParameters;
  sizes: SizeResult[];
  /** Relative to the markdown file. */
  chart: string;
}

export interface Decisions {
  seedRule: RuleOutcome;
  adrRule: RuleOutcome;
}

/** The pair each decision reads: the seed's question asked fairly, and the traversal the API serves. */
export function decisionsFor(size: SizeResult): { seed: Decisions; production: Decisions } {
  const seedPair = {
    neo4jMs: size.seed.measurements.seedCypher.latency.p95,
    postgresMs: size.seed.measurements.likeSql.latency.p95,
  };
  const productionPair = {
    neo4jMs: size.production.measurements.neo4j.latency.p95,
    postgresMs: size.production.measurements.postgres.latency.p95,
  };
  return {
    seed: { seedRule: seedRule(seedPair), adrRule: adrRule(seedPair) },
    production: { seedRule: seedRule(productionPair), adrRule: adrRule(productionPair) },
  };
}

// ---- formatting helpers ---------------------------------------------------------------------------------

export const ms = (value: number): string =>
  Number.isNaN(value)
    ? '–'
    : value < 10
      ? value.toFixed(2)
      : value < 100
        ? value.toFixed(1)
        : value.toFixed(0);
const int = (value: number): string => Math.round(value).toLocaleString('en');
const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(1)} s`;
const mib = (value: number | undefined): string => (value === undefined ? '–' : `${int(value)} MiB`);
const ratio = (postgres: number, neo4j: number): string => `${(postgres / neo4j).toFixed(2)}×`;

const SEED_LABELS: Record<SeedProbe, string> = {
  seedCypher: "Neo4j — the seed's Cypher, verbatim (`RELATED_TO*1..3`)",
  likeSql: 'PostgreSQL — the seed SQL made like-for-like (related_to, 3 hops)',
  seedSql: "PostgreSQL — the seed's SQL, verbatim (all types, 2 hops)",
};

function storeLabel(key: StoreProbe): string {
  return key === 'neo4j' ? 'Neo4j — `Neo4jGraphStore.related`' : 'PostgreSQL — `PostgresGraphStore.related`';
}

const rowsSize = (size: RowsSize): string => `${int(size.rows)} rows, ${int(size.distinct)} distinct names`;
const subgraphSize = (size: SubgraphSize): string =>
  `${int(size.nodes)} terms, ${int(size.edges)} relations` +
  (size.truncated ? ` (capped; ${int(size.totalNodes)} in reach)` : '');

function latencyRow(label: string, measurement: ProbeMeasurement, size: string): string {
  const latency: Summary = measurement.latency;
  return `| ${label} | ${ms(latency.p50)} | ${ms(latency.p95)} | ${ms(latency.p99)} | ${ms(latency.mean)} | ${ms(latency.max)} | ${measurement.perSecond.toFixed(1)} | ${int(latency.count)} | ${size} |`;
}

const LATENCY_HEADER = `| Engine — query | p50 ms | p95 ms | p99 ms | mean ms | max ms | traversals/s | n | result |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`;

// ---- markdown ---------------------------------------------------------------------------------------------

export function renderMarkdown(report: GraphReport): string {
  const { parameters, machine } = report;
  const decisions = report.sizes.map((size) => ({ size, ...decisionsFor(size) }));
  return `# Graph benchmark: Neo4j vs PostgreSQL traversals

Generated by \`${report.command}\` (\`bench/graph.ts\`); rerun it rather than editing this file.
Both engines are real and were loaded with the same graph in this run; every figure below comes from it.
The decision this feeds is recorded in [ADR-0001](../adr/0001-graph-store.md).

## Decision rules, as measured

p95 latencies of the pair each rule reads. The seed's rule: keep Neo4j if it answers under 50 ms while
PostgreSQL takes over 200 ms, PostgreSQL only if they are close (within 25 %, or PostgreSQL faster), otherwise the
rule is silent. ADR-0001's rule: keep Neo4j only if its p95 is under 0.5 × PostgreSQL's.

| Terms | Pair | Neo4j p95 | PostgreSQL p95 | PostgreSQL ÷ Neo4j | Seed's rule | ADR-0001's rule |
| ---: | --- | ---: | ---: | ---: | --- | --- |
${decisions
  .flatMap(({ size, seed, production }) => [
    decisionRow(
      size.terms,
      "seed's question (Cypher vs like-for-like SQL)",
      size.seed.measurements.seedCypher,
      size.seed.measurements.likeSql,
      seed,
    ),
    decisionRow(
      size.terms,
      `production traversal (\`GraphStore.related\`, ${parameters.direction})`,
      size.production.measurements.neo4j,
      size.production.measurements.postgres,
      production,
    ),
  ])
  .join('\n')}

![Latency by ontology size](${report.chart})

## Latency per size

Each measured round runs every query of a group once, one at a time, in an order that rotates every round, so both
engines see the same machine noise. Warm-up rounds come first (${int(parameters.warmupRounds)}, or fewer if they take over
${int(parameters.warmupMaxSeconds)} s); measured rounds stop at ${int(parameters.rounds)} or after ${int(parameters.maxSeconds)} s, whichever comes first, and
\`n\` says how many were measured. Throughput is sequential (one traversal in flight): 1000 ÷ mean latency.
${report.sizes.map((size) => sizeSection(size, parameters)).join('')}
## Loading and memory

PostgreSQL is loaded first (the system of record: multi-row INSERTs in one transaction, then \`VACUUM ANALYZE\`);
a fresh Neo4j is then rebuilt **from PostgreSQL** by the mirror's resync (\`resyncMirror\`: batches written with
UNWIND, one write transaction each), and the mirror is compared with PostgreSQL term by term and relation by relation
(\`compareMirror\`, what \`lexikon graph verify\` runs) before anything is measured.

| Terms | Relations (related_to) | Degree: hub / next largest / median | Generate | Load PostgreSQL | VACUUM ANALYZE | Resync Neo4j from PostgreSQL | PostgreSQL database size | Neo4j RSS after load | Neo4j RSS after the run |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${report.sizes
  .map(
    (size) =>
      `| ${int(size.terms)} | ${int(size.relations)} (${int(size.relatedTo)}) | ${int(size.degrees.hub)} / ${int(size.degrees.nextLargest)} / ${int(size.degrees.median)} | ${seconds(size.load.generateMs)} | ${seconds(size.load.postgresMs)} | ${seconds(size.load.analyzeMs)} | ${seconds(size.load.neo4jMs)} (${int(size.load.neo4jBatches)} batches) | ${mib(size.memory.postgresDatabaseMiB)} | ${mib(size.memory.neo4jRssAfterLoadMiB)} | ${mib(size.memory.neo4jRssAfterRunMiB)} |`,
  )
  .join('\n')}

Neo4j's resident memory is the whole JVM (heap up to ${parameters.neo4jHeap}, page cache, code); PostgreSQL's server
memory is shared buffers plus per-connection work memory and is not comparable process to process, so its on-disk
database size is shown instead.

## What is compared

- **The seed's question.** Its Cypher, verbatim, follows \`RELATED_TO\` only, from source to target, 1 to 3 hops, one row
  per path. Its SQL, verbatim, follows **every** relation type and stops at depth 3 counting the start as depth 1, i.e.
  **2 hops**, and returns the start term: a different question, shown for reference only. The decision reads the
  Cypher against the seed SQL with three edits (hops counted from 0, \`r.type = 'related_to'\`, the Cypher's columns),
  \`LIKE_FOR_LIKE_SQL\` in \`bench/lib/graph-queries.ts\`. Checked before measuring, at every size: the two return
  the same rows (term, hops), the same number of times.
- **The production traversal.** \`GraphStore.related(hub, { depth: ${parameters.depth}, types: all, direction: '${parameters.direction}', maxNodes: ${int(parameters.maxNodes)} })\`
  on each adapter: each term once at its shortest depth, cycle-safe, the relations between the returned terms, capped
  at \`GRAPH_MAX_NODES\` (${int(parameters.maxNodes)}, the default) in the same order. Checked before measuring: the same terms at the same depths,
  the same relations, the same reach.
- Graph: \`generateOntology\` (\`backend/src/demo/synthetic.ts\`), seed ${parameters.seed}: preferential attachment, so a
  few hubs and a long tail, "Intelligence Artificielle" the largest hub (the start of every traversal), about three
  relations per term across the eight types, directed cycles (feedback loops, and among related_to relations).
- Clients, all on loopback: the seed's queries go as text over one \`pg\` connection and one Neo4j session (Bolt);
  \`GraphStore.related\` runs each adapter as the API does (drizzle over a \`pg\` pool; the API's Neo4j driver settings,
  a session and a read transaction per call). Time runs from sending the query to having every row in JavaScript
  (\`process.hrtime\`).

## Run

| | |
| --- | --- |
| Date | ${report.generatedAt.toISOString()} |
| Commit | ${report.commit} |
| Command | \`${report.command}\` |
| Machine | ${machine.os}; ${machine.cpuCount} × ${machine.cpuModel}; ${machine.memoryGiB.toFixed(1)} GiB RAM |
| Load average (1/5/15 min) | before ${loads(machine.loadBefore)}, after ${loads(machine.loadAfter)} (the machine is shared; both engines share its noise) |
| Node.js | ${machine.node} |
| PostgreSQL | ${machine.postgres} (throwaway local cluster: fsync, synchronous_commit and full_page_writes off) |
| Neo4j | ${machine.neo4j}, embedded on the JVM, Bolt on loopback, heap up to ${parameters.neo4jHeap} |
| JVM | ${machine.jvm} |
| Rounds per group and size | warm-up: ${int(parameters.warmupRounds)} or ${int(parameters.warmupMaxSeconds)} s; measured: ${int(parameters.rounds)} or ${int(parameters.maxSeconds)} s (whichever ends first) |
`;
}

function decisionRow(
  terms: number,
  pair: string,
  neo4j: ProbeMeasurement,
  postgres: ProbeMeasurement,
  decisions: Decisions,
): string {
  return `| ${int(terms)} | ${pair} | ${ms(neo4j.latency.p95)} ms | ${ms(postgres.latency.p95)} ms | ${ratio(postgres.latency.p95, neo4j.latency.p95)} | ${VERDICT_LABELS[decisions.seedRule.verdict]} | ${VERDICT_LABELS[decisions.adrRule.verdict]} |`;
}

function sizeSection(size: SizeResult, parameters: GraphParameters): string {
  const rounds = (group: string, run: { warmupRounds: number; rounds: number; cutShort: boolean }) =>
    `${group}: ${int(run.warmupRounds)} warm-up rounds, ${int(run.rounds)} measured` +
    (run.cutShort
      ? ` (⚠ the ${int(parameters.maxSeconds)} s budget ended it before ${int(parameters.rounds)})`
      : '');
  return `
### ${int(size.terms)} terms, ${int(size.relations)} relations

${LATENCY_HEADER}
${(['seedCypher', 'likeSql', 'seedSql'] as const).map((key) => latencyRow(SEED_LABELS[key], size.seed.measurements[key], rowsSize(size.seed.sizes[key]))).join('\n')}
${(['neo4j', 'postgres'] as const).map((key) => latencyRow(storeLabel(key), size.production.measurements[key], subgraphSize(size.production.sizes[key]))).join('\n')}

${rounds("Seed's queries", size.seed)}; ${rounds('`GraphStore.related`', size.production)}.
`;
}

function loads(values: number[]): string {
  return values.map((value) => value.toFixed(2)).join(' / ');
}

// ---- plain text -------------------------------------------------------------------------------------------

/** The table printed on stdout at the end of a run. */
export function renderSummary(report: Pick<GraphReport, 'sizes' | 'parameters'>): string {
  const rows: string[][] = [['terms', 'query', 'p50', 'p95', 'p99', 'mean', 'max', 'trav/s', 'n', 'result']];
  for (const size of report.sizes) {
    for (const key of ['seedCypher', 'likeSql', 'seedSql'] as const)
      rows.push(
        textRow(size.terms, textLabels[key], size.seed.measurements[key], rowsSize(size.seed.sizes[key])),
      );
    for (const key of ['neo4j', 'postgres'] as const)
      rows.push(
        textRow(
          size.terms,
          textLabels[key],
          size.production.measurements[key],
          subgraphSize(size.production.sizes[key]),
        ),
      );
  }
  const decisionLines = report.sizes.flatMap((size) => {
    const { seed, production } = decisionsFor(size);
    return [
      `${int(size.terms)} terms, seed's question:    seed rule → ${VERDICT_LABELS[seed.seedRule.verdict]} (${seed.seedRule.reason}); ADR rule → ${VERDICT_LABELS[seed.adrRule.verdict]} (${seed.adrRule.reason})`,
      `${int(size.terms)} terms, production (${report.parameters.direction}): seed rule → ${VERDICT_LABELS[production.seedRule.verdict]} (${production.seedRule.reason}); ADR rule → ${VERDICT_LABELS[production.adrRule.verdict]} (${production.adrRule.reason})`,
    ];
  });
  const loadLines = report.sizes.map(
    (size) =>
      `${int(size.terms)} terms: load PostgreSQL ${seconds(size.load.postgresMs)}, resync Neo4j ${seconds(size.load.neo4jMs)}; Neo4j RSS ${mib(size.memory.neo4jRssAfterRunMiB)}; PostgreSQL database ${mib(size.memory.postgresDatabaseMiB)}`,
  );
  return `\nLatency (ms) per traversal\n${table(rows)}\n\nDecisions (p95)\n${decisionLines.join('\n')}\n\nLoading and memory\n${loadLines.join('\n')}\n`;
}

const textLabels: Record<SeedProbe | StoreProbe, string> = {
  seedCypher: 'Neo4j seed Cypher',
  likeSql: 'PG like-for-like SQL',
  seedSql: 'PG seed SQL verbatim',
  neo4j: 'Neo4jGraphStore',
  postgres: 'PostgresGraphStore',
};

function textRow(terms: number, label: string, measurement: ProbeMeasurement, size: string): string[] {
  const { latency } = measurement;
  return [
    int(terms),
    label,
    ms(latency.p50),
    ms(latency.p95),
    ms(latency.p99),
    ms(latency.mean),
    ms(latency.max),
    measurement.perSecond.toFixed(1),
    int(latency.count),
    size,
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column >= 2 && column <= 8 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
