import { describe, expect, inject, it } from 'vitest';
import { runContractFuzz } from '@lexikon/harness/contract-fuzz';

// The bounded run of `npm run test:fuzz` (which runs ≥ 1,000 cases): every operation of /openapi.json,
// valid and invalid inputs, stateful sequences along the links, the four conformance checks.
describe('contract fuzzing (schemathesis against /openapi.json)', () => {
  it(
    'finds no server error and no response outside the documented contract',
    { timeout: 600_000 },
    async () => {
      const result = await runContractFuzz({
        maxExamples: 2,
        postgresAdminUrl: inject('postgresUrl'),
        recordId: 'contract-fuzz-bounded',
        // Our own steps only; schemathesis' output is in the report folder (and in `summary` on failure).
        log: (line) => void (line.startsWith('  ') || process.stderr.write(`[fuzz] ${line}\n`)),
      });
      expect(result.summary).toMatch(/generated/);
      expect(result.operations).toBeGreaterThanOrEqual(27);
      expect(result.cases).toBeGreaterThan(200);
      expect(result.serverErrors, result.summary).toBe(0);
      expect(result.failures, result.summary).toBe(0);
      expect(result.exitCode, result.summary).toBe(0);
    },
  );
});
