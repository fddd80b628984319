/**
 * `npm run test:fuzz`: the full contract-fuzzing run (harness/src/contract-fuzz.ts says what it checks).
 *
 *   npm run test:fuzz                      full run (≥ 1,000 generated cases)
 *   npm run test:fuzz -- --max-examples 5  a quick one
 *
 * The backend suite runs a bounded version of this (test/postgres-only/contract-fuzz.test.ts).
 */
import { parseArgs } from 'node:util';
import { runContractFuzz, type Log } from '@lexikon/harness/contract-fuzz';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'max-examples': { type: 'string' }, seed: { type: 'string' } },
  });
  const maxExamples = Number(values['max-examples'] ?? 40);
  const log: Log = (line) => void process.stderr.write(`[fuzz] ${line}\n`);
  const started = performance.now();
  const result = await runContractFuzz({
    maxExamples,
    ...(values.seed ? { seed: Number(values.seed) } : {}),
    recordId: 'contract-fuzz-full',
    log,
  });
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  process.stdout.write(
    `\nContract fuzzing: ${result.cases} cases over ${result.operations} operations, ` +
      `${result.failures} failure(s), ${result.serverErrors} 5xx responses, in ${minutes} min.\n` +
      `Statuses: ${Object.entries(result.statuses)
        .map(([status, count]) => `${status}×${count}`)
        .join(', ')}\nReports: ${result.reportDir}\n`,
  );
  if (result.exitCode !== 0 || result.failures !== 0) process.exitCode = 1;
}

await main();
