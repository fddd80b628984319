import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { expectLogsFreeOfSecrets, LogWatch } from '@lexikon/harness/reliability/logs';
import {
  startProductionServer,
  strongSecret,
  type ProductionServer,
} from '@lexikon/harness/reliability/server';
import { createTestDatabaseUrl } from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// Sign-in and registration limits hold across replicas: two separate server processes on one database
// share the counters, so an attacker gains nothing by spreading attempts over them.
const LOGIN_PER_ACCOUNT = 4;
const REGISTER_PER_IP = 3;

let servers: [ProductionServer, ProductionServer];
const logs = new LogWatch();

beforeAll(async () => {
  const env = {
    DATABASE_URL: (await createTestDatabaseUrl())!,
    // One secret for both, as replicas behind a load balancer have.
    JWT_SECRET: strongSecret(),
    API_WORKERS: '1',
    AUTH_LOGIN_LIMIT_PER_ACCOUNT: `${LOGIN_PER_ACCOUNT}/60`,
    AUTH_LOGIN_LIMIT_PER_IP: '1000/60',
    AUTH_REGISTER_LIMIT_PER_IP: `${REGISTER_PER_IP}/60`,
  };
  servers = await Promise.all([
    startProductionServer(env, { watch: logs, name: 'replica-a' }),
    startProductionServer(env, { watch: logs, name: 'replica-b' }),
  ]);
  expect(servers[0].baseUrl).not.toBe(servers[1].baseUrl);
});
afterAll(async () => {
  await Promise.all((servers ?? []).map((server) => server.stop()));
});

describe('rate limits across two server processes sharing one database', () => {
  it('answers 429 with Retry-After once the shared count is spent, on either process', async () => {
    const record = await trackReliability({
      id: 'control-rate-limits',
      kind: 'control',
      title: 'Login and registration limits across two server processes',
      injected: `Wrong-password logins for one account (limit ${LOGIN_PER_ACCOUNT}/60 s) and registrations from one address (limit ${REGISTER_PER_IP}/60 s), alternating between two server processes on one PostgreSQL`,
      expected:
        'The attempt past the limit answers 429 problem with Retry-After, whichever process receives it',
    });
    const owner = {
      email: `limited-${randomUUID().slice(0, 8)}@example.org`,
      password: `Rate-Limit-${randomUUID()}`,
    };
    logs.secret('password', owner.password);
    const registered = await servers[0].call('/api/auth/register', { method: 'POST', body: owner });
    expect(registered.status).toBe(201);

    const wrongPassword = `Not-The-Password-${randomUUID()}`;
    logs.secret('password', wrongPassword);
    const logins = [];
    for (let attempt = 0; attempt < LOGIN_PER_ACCOUNT + 2; attempt++)
      logins.push(
        await servers[attempt % 2]!.call('/api/auth/login', {
          method: 'POST',
          body: { email: owner.email, password: wrongPassword },
        }),
      );
    // Even the right password is refused while the account is locked out.
    const rightPassword = await servers[1].call('/api/auth/login', { method: 'POST', body: owner });
    logins.push(rightPassword);

    // The owner's registration above counted too.
    const registrations = [];
    for (let attempt = 1; attempt < REGISTER_PER_IP + 2; attempt++)
      registrations.push(
        await servers[attempt % 2]!.call('/api/auth/register', {
          method: 'POST',
          body: { email: `bulk-${randomUUID()}@example.org`, password: `Bulk-Password-${randomUUID()}` },
        }),
      );

    const statuses = (results: { status: number }[]) => results.map((result) => result.status);
    const limited = [...logins, ...registrations].filter((result) => result.status === 429);
    record.set('login attempts', logins.length);
    record.set('registrations', registrations.length + 1);
    record.set('429', limited.length);
    record.set(
      '429 without Retry-After',
      limited.filter((result) => !result.headers.get('retry-after')).length,
    );
    record.observe(
      `logins (alternating processes): ${statuses(logins).join(', ')}; registrations: 201, ${statuses(registrations).join(', ')}; every 429 carries Retry-After`,
    );

    expect(statuses(logins)).toEqual([...Array(LOGIN_PER_ACCOUNT).fill(401), 429, 429, 429]);
    expect(statuses(registrations)).toEqual([...Array(REGISTER_PER_IP - 1).fill(201), 429, 429]);
    for (const result of limited) {
      expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(result.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(result.headers.get('content-type')).toMatch(/problem\+json/);
      expect(result.body.code).toBe('rate-limited');
    }
  });

  it('leaks no password into either server log', async () => {
    await expectLogsFreeOfSecrets(logs, 'security-rate-limits');
  });
});
