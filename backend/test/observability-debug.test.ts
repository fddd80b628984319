import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, createUser, type TestContext } from './support/test-app.ts';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

describe('GET /debug/error', () => {
  const contexts: TestContext[] = [];
  const start = async (overrides: Record<string, string> = {}) => {
    const context = await createTestContext(overrides);
    contexts.push(context);
    return context;
  };
  afterAll(() => Promise.all(contexts.map((context) => context.close())));

  it('raises a real unhandled error outside production: a 500 problem, no details leaked', async () => {
    const context = await start();
    const response = await context.app.inject({ method: 'GET', url: '/debug/error' });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 500, code: 'internal-error' });
    expect(response.body).not.toContain('raised on purpose');
  });

  it('is absent when DEBUG_ROUTES=false', async () => {
    const context = await start({ DEBUG_ROUTES: 'false' });
    expect((await context.app.inject({ method: 'GET', url: '/debug/error' })).statusCode).toBe(404);
  });

  it('is absent in production by default', async () => {
    const context = await start({ NODE_ENV: 'production', METRICS_TOKEN });
    expect((await context.app.inject({ method: 'GET', url: '/debug/error' })).statusCode).toBe(404);
  });

  describe('in production with DEBUG_ROUTES=true', () => {
    let context: TestContext;
    beforeAll(async () => {
      context = await start({ NODE_ENV: 'production', METRICS_TOKEN, DEBUG_ROUTES: 'true' });
    });

    it('needs a bearer token (401) of an administrator (403)', async () => {
      const get = (headers: Record<string, string> = {}) =>
        context.app.inject({ method: 'GET', url: '/debug/error', headers });
      const anonymous = await get();
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('unauthenticated');
      const user = await createUser(context);
      const forbidden = await get(user.auth);
      expect(forbidden.statusCode).toBe(403);
      expect(forbidden.json().code).toBe('forbidden');
      const admin = await createUser(context, { role: 'admin' });
      const raised = await get(admin.auth);
      expect(raised.statusCode).toBe(500);
      expect(raised.json().code).toBe('internal-error');
    });
  });
});
