import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { failuresByCause, readResults, runLocust } from '../../../load/locust.ts';
import { createLoadAccount, readBack, startApi, type ApiProcess } from '../../../load/server.ts';
import { freeLoopbackPort } from '@lexikon/harness/ports';
import { createTestDatabaseUrl } from '../support/test-app.ts';

/**
 * A short run of the seed's Locust scenario (load/locustfile.py, the same file `npm run load` runs for
 * ten minutes with 100 users) against a real server on a real PostgreSQL, with two API processes: every
 * request must succeed and every term acknowledged with 201 must be readable afterwards. Locust comes
 * from PyPI into a cached virtualenv, installed by the global setup before any deadline runs. Locust is
 * stopped when it makes no progress for a minute; the test's own timeout only catches a hang of that.
 */

const account = { email: 'load@test.com', password: 'LoadTest123' };
const workDir = mkdtempSync(path.join(tmpdir(), 'lexikon-load-smoke-'));
let api: ApiProcess | undefined;

afterAll(async () => {
  await api?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the Locust scenario, briefly', () => {
  it('runs a few users for 20 s with no failure and no lost term', { timeout: 900_000 }, async () => {
    const locust = inject('locustBin');
    const env = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(await freeLoopbackPort()),
      DATABASE_URL: (await createTestDatabaseUrl())!,
      JWT_SECRET: randomBytes(48).toString('base64'),
      METRICS_TOKEN: randomBytes(24).toString('hex'),
      API_WORKERS: '2',
      LEXIKON_DATA_DIR: ':memory:',
      // The load account is shared by every simulated user: the load environment raises the login limits.
      AUTH_LOGIN_LIMIT_PER_IP: '1000/60',
      AUTH_LOGIN_LIMIT_PER_ACCOUNT: '1000/60',
    };
    await createLoadAccount(env, account);
    api = await startApi(env, path.join(workDir, 'api.log'));

    const createdIdsFile = path.join(workDir, 'created-ids.txt');
    const csvPrefix = path.join(workDir, 'locust');
    await runLocust(locust, {
      host: api.url,
      users: 5,
      spawnRate: 5,
      runTimeSeconds: 20,
      csvPrefix,
      createdIdsFile,
      stalledAfterSeconds: 60,
    });
    const results = readResults(csvPrefix);
    const names = results.endpoints.map((endpoint) => endpoint.name);
    expect(names).toEqual(
      expect.arrayContaining(['/api/auth/login', '/api/terms [POST]', '/api/terms [GET]']),
    );
    expect(results.exceptions).toEqual([]);
    expect(Object.fromEntries(failuresByCause(results.failures))).toEqual({
      '409 conflict (duplicate term)': 0,
      '429 rate limited': 0,
    });
    expect(
      results.aggregated?.failures,
      `failures: ${JSON.stringify(results.failures)}\napi log (tail):\n${readFileSync(path.join(workDir, 'api.log'), 'utf8').slice(-4000)}`,
    ).toBe(0);

    const ids = readFileSync(createdIdsFile, 'utf8').split('\n').filter(Boolean);
    const posted = results.endpoints.find((endpoint) => endpoint.name === '/api/terms [POST]')!;
    expect(ids.length).toBeGreaterThan(0);
    // Every POST counted answered 201 (no failures), so each left an id; a POST still in flight when Locust
    // stops may leave an id without reaching the final statistics, hence "at least".
    expect(ids.length).toBeGreaterThanOrEqual(posted.requests);
    const check = await readBack(api.url, account, ids);
    expect(check).toEqual({ found: ids.length, missing: [], errors: [] });
    expect(await api.stop()).toBe(0);
  });
});
