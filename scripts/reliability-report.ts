/**
 * `npm run report:reliability`: runs the fault-injection and security-control tests (backend on PGlite
 * and PostgreSQL, the web app's in Chromium), then the full contract fuzz, and writes docs/reliability.md
 * from what they recorded (test-results/reliability/*.json, see backend/test/support/reliability.ts):
 * one row per fault and control, with what was injected, what was expected, what happened and the counts.
 * Nothing in the document is written by hand but the catalogue below (names, and where evidence lives).
 *
 *   npm run report:reliability                     everything (about 15 minutes on 2 cores)
 *   npm run report:reliability -- --skip-fuzz      keep the last full fuzz's record instead of running it
 *   npm run report:reliability -- --render-only    re-render from the records already there
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  readReliabilityRecords,
  reliabilityDir,
  type ReliabilityRecord,
} from '@lexikon/harness/reliability/records';
import { runContractFuzz, SCHEMATHESIS_VERSION } from '@lexikon/harness/contract-fuzz';
import { repoRoot } from '@lexikon/harness/repo-root';

const output = join(repoRoot, 'docs/reliability.md');
const vitestJson = join(reliabilityDir, 'vitest-backend.json');
const log = (line: string): void => void process.stderr.write(`[reliability] ${line}\n`);

/** The backend test files that record evidence, and the existing ones whose results a row cites. */
const BACKEND_FILES = [
  'test/security/',
  'test/faults/',
  'test/postgres-only/fault-postgres-outage.test.ts',
  'test/postgres-only/fault-neo4j-outage.test.ts',
  'test/postgres-only/fault-sigkill-import.test.ts',
  'test/postgres-only/fault-sigterm-load.test.ts',
  'test/postgres-only/security-rate-limits.test.ts',
  'test/postgres-only/contract-fuzz.test.ts',
  'test/observability-sentry.test.ts',
  'test/embedded-only/cli-beside-server.test.ts',
  'test/traversal-caps.test.ts',
  'test/request-deadline.test.ts',
  'test/postgres-only/statement-timeout.test.ts',
  'test/input-hygiene.test.ts',
  'test/write-races.test.ts',
];

interface CitedTest {
  file: string;
  /** Test names (as Vitest reports `fullName`) that are this row's evidence. */
  names: RegExp;
}

interface Row {
  id: string;
  kind: 'fault' | 'fuzz' | 'control';
  title: string;
  /** Where the evidence comes from when no test records this row itself. */
  cited?: CitedTest & { injected: string; expected: string };
  /** Said when there is no evidence at all, e.g. a feature not built yet. */
  absent?: string;
  /** Other tests that cover parts of the same promise. */
  seeAlso?: string;
}

const CATALOGUE: Row[] = [
  {
    id: 'fault-1-postgres-stopped',
    kind: 'fault',
    title: '1. PostgreSQL stopped under writes',
    seeAlso: 'backend/test/postgres-only/resilience.test.ts (in-process outage, concurrent migrations)',
  },
  {
    id: 'fault-2-neo4j-stopped',
    kind: 'fault',
    title: '2. Neo4j stopped and restarted under writes',
    seeAlso: 'backend/test/graph-neo4j.test.ts (the same outage in process, one write at a time)',
  },
  {
    id: 'fault-3-llm-failing',
    kind: 'fault',
    title: '3. LLM slow, failing (500/429), malformed JSON',
    seeAlso:
      'backend/test/validation-llm.test.ts (backoff timing, Retry-After, give-up after LLM_MAX_ATTEMPTS, circuit breaker), backend/test/validation-jobs.test.ts (a hanging LLM, job retries and leases)',
  },
  {
    id: 'fault-4-sentry-down',
    kind: 'fault',
    title: '4. Sentry ingest down or hanging',
    cited: {
      file: 'observability-sentry.test.ts',
      names: /costs the API nothing when it (hangs|is down)/,
      injected:
        'SENTRY_DSN_BACKEND pointing at a loopback port that accepts and never answers, then at one where nothing listens; server faults raised through /debug/error',
      expected:
        'Each 500 and the next /health answered within 1 s; the event dropped with a "sentry event dropped" log line',
    },
  },
  {
    id: 'fault-5-sigkill-import',
    kind: 'fault',
    title: '5. SIGKILL in the middle of a bulk import',
    seeAlso: 'backend/test/cli.test.ts (a database failure half-way through an import)',
  },
  {
    id: 'fault-6-sigterm-under-load',
    kind: 'fault',
    title: '6. SIGTERM under load',
    seeAlso: 'backend/test/server-process.test.ts (one request in flight, restart keeps data)',
  },
  { id: 'contract-fuzz-full', kind: 'fuzz', title: 'Contract fuzzing, full run (`npm run test:fuzz`)' },
  { id: 'contract-fuzz-bounded', kind: 'fuzz', title: 'Contract fuzzing, bounded run (in `npm test`)' },
  { id: 'control-jwt', kind: 'control', title: 'Forged and altered access tokens' },
  { id: 'control-refresh-reuse', kind: 'control', title: 'Refresh-token reuse' },
  { id: 'control-oauth-github', kind: 'control', title: 'OAuth state, code replay, PKCE (GitHub)' },
  { id: 'control-oauth-google', kind: 'control', title: 'OAuth state, code replay, PKCE (OpenID Connect)' },
  { id: 'control-authorization-matrix', kind: 'control', title: 'Authorization matrix from the route table' },
  { id: 'control-rate-limits', kind: 'control', title: 'Login/register limits across two processes' },
  { id: 'control-api-headers', kind: 'control', title: 'Security headers (API)' },
  { id: 'control-web-headers', kind: 'control', title: 'Security headers (web app)' },
  { id: 'control-cors', kind: 'control', title: 'CORS for configured origins only' },
  { id: 'control-debug-routes', kind: 'control', title: 'No debug route in production' },
  { id: 'control-log-secrets', kind: 'control', title: 'No secret in the server logs' },
  { id: 'control-injection-api', kind: 'control', title: 'Injection strings stored literally (API)' },
  { id: 'control-injection-web', kind: 'control', title: 'Injection strings rendered inert (web app)' },
  {
    id: 'control-data-dir-lock',
    kind: 'control',
    title: 'Embedded data directory locked by one process',
    cited: {
      file: 'embedded-only/cli-beside-server.test.ts',
      names: /the CLI beside a running server/,
      injected:
        'A real server on a PGlite directory, then the real CLI beside it (seed-demo, create-admin, import of 2,000 terms, export), a second server, a channel client without the token, a dead owner’s lock',
      expected:
        'Every command runs inside the server, which sees each write at once and keeps it after stopping; the second server and a command while another holds the directory exit 75 naming the holder; a tokenless client is refused',
    },
    seeAlso: 'backend/test/embedded-only/data-dir-lock.test.ts (the lock itself: stale and recycled pids)',
  },
  {
    id: 'control-edge-cap',
    kind: 'control',
    title: 'Traversals cap relations as well as terms',
    cited: {
      file: 'traversal-caps.test.ts',
      names: /a traversal of a dense neighbourhood/,
      injected:
        'Terms related to each other by every pair (a dense neighbourhood), traversed at depth 1 and 2',
      expected:
        'At most GRAPH_MAX_EDGES relations, the nearest first, `edges_truncated: true`; nothing truncated when everything fits',
    },
    seeAlso: 'backend/test/graph-neo4j.test.ts (the same caps and order on Neo4j, 900 option sets)',
  },
  {
    id: 'control-request-deadline',
    kind: 'control',
    title: 'A real deadline on every request',
    cited: {
      file: 'request-deadline.test.ts',
      names: /the request deadline/,
      injected:
        'An edit waiting on a locked row (PostgreSQL) or a busy connection (PGlite) past REQUEST_TIMEOUT_MS',
      expected: '503 deadline-exceeded at the deadline, the edit never applied, the server fine afterwards',
    },
    seeAlso:
      'backend/test/postgres-only/statement-timeout.test.ts (a statement past DATABASE_STATEMENT_TIMEOUT_MS: 503 query-timeout, no SQL in the log)',
  },
  {
    id: 'control-id-canonicalisation',
    kind: 'control',
    title: 'Ids and labels canonicalised where parsed',
    cited: {
      file: 'input-hygiene.test.ts',
      names: /ids in upper case|invisible characters|values a field cannot hold/,
      injected:
        'Upper-case ids in paths and bodies; labels with U+200B, U+202E, only invisible characters; a strength of 1e-50; a NUL in a full name',
      expected:
        'Upper-case ids are the same ids (a self-relation refused 422, traversal and deletion found); look-alike labels collide; overrides and NULs refused naming the field',
    },
    seeAlso:
      'backend/test/cli.test.ts (import: year-0 dates, tiny strengths, ids differing in case reported by field)',
  },
  {
    id: 'control-write-races',
    kind: 'control',
    title: 'Foreign-key races answer 4xx, never 500',
    cited: {
      file: 'write-races.test.ts',
      names: /.*/,
      injected:
        'A term deleted while seven relation creates to it run in parallel (10 rounds); a signed token for a deleted account; an author editing a validated term',
      expected:
        'Each create 201, 404 or 422 and no relation pointing nowhere; 401 account-missing; the edited term back in review',
    },
  },
];

// ---- running ---------------------------------------------------------------------------------------

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    log(`$ ${command} ${args.join(' ')}   (in ${cwd.replace(repoRoot, '') || '.'})`);
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    child.once('close', (code) => resolve(code ?? 1));
  });
}

async function collect(options: { fuzz: boolean; e2e: boolean; fuzzExamples: number }): Promise<string[]> {
  const notes: string[] = [];
  // A fresh run: old records go, except the last full fuzz's when it is not run again.
  if (existsSync(reliabilityDir))
    for (const entry of readdirSync(reliabilityDir))
      if (options.fuzz || !entry.startsWith('contract-fuzz-full.'))
        rmSync(join(reliabilityDir, entry), { recursive: true, force: true });
  const backend = await run(
    'npx',
    [
      'vitest',
      'run',
      ...BACKEND_FILES,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
    ],
    join(repoRoot, 'backend'),
  );
  if (backend !== 0) notes.push(`The backend tests exited with ${backend}: see the failed rows.`);
  if (options.e2e) {
    const web = await run(
      'npx',
      ['vitest', 'run', '--config', 'vitest.e2e.config.ts', 'test/e2e/injection.test.ts'],
      join(repoRoot, 'frontend'),
    );
    if (web !== 0) notes.push(`The web app's injection test exited with ${web}.`);
  }
  if (options.fuzz) {
    log(`full contract fuzz (${options.fuzzExamples} examples per operation and phase)…`);
    const result = await runContractFuzz({
      maxExamples: options.fuzzExamples,
      recordId: 'contract-fuzz-full',
      log: (line) => (line.startsWith('  ') ? undefined : log(line)),
    });
    log(`fuzz: ${result.cases} cases, ${result.failures} failures`);
  }
  return notes;
}

// ---- rendering -------------------------------------------------------------------------------------

interface VitestAssertion {
  fullName: string;
  status: string;
}

function citedResults(cited: CitedTest): VitestAssertion[] {
  if (!existsSync(vitestJson)) return [];
  const report = JSON.parse(readFileSync(vitestJson, 'utf8')) as {
    testResults: { name: string; assertionResults: VitestAssertion[] }[];
  };
  return report.testResults
    .filter((file) => file.name.endsWith(cited.file))
    .flatMap((file) => file.assertionResults)
    .filter((assertion) => cited.names.test(assertion.fullName));
}

/** "“name”: passed ×2; …" — one entry per test, however many databases ran it. */
function describeCited(results: VitestAssertion[]): string {
  const byName = new Map<string, string[]>();
  for (const result of results)
    byName.set(result.fullName, [...(byName.get(result.fullName) ?? []), result.status]);
  return [...byName]
    .map(([name, statuses]) => {
      const all = [...new Set(statuses)];
      return `“${name}”: ${all.join('/')}${statuses.length > 1 ? ` ×${statuses.length}` : ''}`;
    })
    .join('; ');
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const DATABASES: Record<string, string> = { pglite: 'PGlite', postgres: 'PostgreSQL', none: '—' };

function mergeLogRecords(records: ReliabilityRecord[]): ReliabilityRecord | undefined {
  const logs = records.filter((record) => record.id.startsWith('control-log-secrets--'));
  if (logs.length === 0) return undefined;
  const counts: Record<string, number> = {};
  for (const record of logs)
    for (const [name, value] of Object.entries(record.counts)) counts[name] = (counts[name] ?? 0) + value;
  const failed = logs.filter((record) => record.outcome !== 'pass');
  return {
    ...logs[0]!,
    id: 'control-log-secrets',
    observed:
      failed.length === 0
        ? `${counts['log lines'] ?? 0} log lines of ${counts.processes ?? 0} server processes (${logs.length} test files) hold none of the ${counts['secrets checked'] ?? 0} secrets used`
        : failed.map((record) => record.observed).join('; '),
    counts,
    outcome: failed.length === 0 ? 'pass' : 'fail',
    source: [...new Set(logs.map((record) => record.source.split(' › ')[0]))].join(', '),
    database: [...new Set(logs.map((record) => record.database))].join(','),
  };
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([name, value]) => `${name}: ${value.toLocaleString('en')}`)
    .join(' · ');
}

function render(notes: string[]): { markdown: string; failed: number; rows: number } {
  const records = readReliabilityRecords();
  const merged = mergeLogRecords(records);
  const byId = new Map<string, ReliabilityRecord[]>();
  for (const record of [...records, ...(merged ? [merged] : [])]) {
    if (record.id.startsWith('control-log-secrets--')) continue;
    byId.set(record.id, [...(byId.get(record.id) ?? []), record]);
  }
  let failed = 0;
  const lines: string[] = [];
  for (const [heading, kinds] of [
    ['Faults', ['fault']],
    ['Contract fuzzing', ['fuzz']],
    ['Security controls', ['control']],
  ] as const) {
    lines.push(`## ${heading}`, '');
    lines.push('| | Injected | Expected | What happened | Counts | Result |', '|---|---|---|---|---|---|');
    for (const row of CATALOGUE.filter((entry) => (kinds as readonly string[]).includes(entry.kind))) {
      const found = (byId.get(row.id) ?? []).sort((a, b) => a.database.localeCompare(b.database));
      if (found.length > 0) {
        // Both databases ran it: show PostgreSQL's counts (the production database), both verdicts.
        const main = found.find((record) => record.database.includes('postgres')) ?? found[0]!;
        const verdicts = found.map(
          (record) =>
            `${record.outcome === 'pass' ? '✅ pass' : record.outcome === 'fail' ? '❌ FAIL' : '⏭ skipped'}${found.length > 1 ? ` (${DATABASES[record.database] ?? record.database})` : ''}`,
        );
        if (found.some((record) => record.outcome !== 'pass')) failed++;
        const failure = found.find((record) => record.failure)?.failure;
        lines.push(
          `| **${cell(row.title)}** | ${cell(main.injected)} | ${cell(main.expected)} | ${cell(main.observed)}${failure ? ` — ${cell(failure)}` : ''} | ${cell(formatCounts(main.counts))} | ${verdicts.join('<br>')} |`,
        );
      } else if (row.cited) {
        const results = citedResults(row.cited);
        const passed = results.length > 0 && results.every((result) => result.status === 'passed');
        if (!passed) failed++;
        lines.push(
          `| **${cell(row.title)}** | ${cell(row.cited.injected)} | ${cell(row.cited.expected)} | ${results.length === 0 ? 'not run' : cell(describeCited(results))} (evidence: backend/test/${row.cited.file}) | test runs: ${results.length} · passed: ${results.filter((result) => result.status === 'passed').length} | ${passed ? '✅ pass' : results.length === 0 ? '⏭ not run' : '❌ FAIL'} |`,
        );
      } else {
        lines.push(
          `| **${cell(row.title)}** | — | — | ${cell(row.absent ?? 'No record: the test did not run (see the command above).')} | — | ⏭ not run |`,
        );
      }
    }
    lines.push('');
  }
  const sources = CATALOGUE.map((row) => {
    const found = byId.get(row.id)?.[0];
    const where = found ? found.source : row.cited ? `backend/test/${row.cited.file}` : '—';
    return `- **${row.title}**: ${where}${row.seeAlso ? `; see also ${row.seeAlso}` : ''}`;
  });
  const commit = gitCommit();
  const markdown = [
    '# Reliability report',
    '',
    `Generated by \`npm run report:reliability\` on ${new Date().toISOString().slice(0, 10)} at commit \`${commit}\`, on a machine with ${availableParallelism()} cores.`,
    'Every row below is rendered from what a test recorded while it ran (`test-results/reliability/*.json`) or, where',
    'a row says so, from the Vitest result of the test it cites; nothing here is written by hand. Faults run against',
    'real processes (the API in production mode, PostgreSQL 15, the `lexikon` CLI) on loopback; SaaS endpoints',
    '(the LLM, Sentry, GitHub) are loopback servers speaking their protocol. Backend rows ran on both PGlite and',
    'PostgreSQL unless they need a server process per database (PostgreSQL only); counts shown are PostgreSQL’s.',
    '',
    ...(notes.length > 0 ? ['> ' + notes.join('\n> '), ''] : []),
    ...lines,
    '## Where each row comes from',
    '',
    ...sources,
    '',
    `Contract fuzzing uses schemathesis ${SCHEMATHESIS_VERSION} (PyPI, pinned, in \`.cache/\`); its reports are under \`test-results/fuzz/\`.`,
    '',
  ].join('\n');
  return { markdown, failed, rows: CATALOGUE.length };
}

function gitCommit(): string {
  const result = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : 'unknown';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'skip-fuzz': { type: 'boolean' },
      'skip-e2e': { type: 'boolean' },
      'render-only': { type: 'boolean' },
      'fuzz-examples': { type: 'string' },
    },
  });
  const started = performance.now();
  const notes = values['render-only']
    ? []
    : await collect({
        fuzz: !values['skip-fuzz'],
        e2e: !values['skip-e2e'],
        fuzzExamples: Number(values['fuzz-examples'] ?? 40),
      });
  const { markdown, failed, rows } = render(notes);
  writeFileSync(output, markdown);
  process.stdout.write(
    `\nWrote ${output.replace(repoRoot, '')}: ${rows} rows, ${failed} failed, in ${((performance.now() - started) / 60_000).toFixed(1)} min.\n`,
  );
  if (failed > 0) process.exitCode = 1;
}

await main();
