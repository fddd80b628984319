import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { trackReliability } from '@lexikon/harness/reliability/records';
import {
  createTerm,
  createTestContext,
  createUser,
  relate,
  type TestContext,
  type TestUser,
} from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

/**
 * Every route the server registers × who calls it → the status it must answer. The routes come from
 * Fastify's own route table at run time, so a route added without a row here fails this test: whoever
 * adds one decides who may call it. Production mode, with the debug route switched on (admin only).
 */
type Role = 'anonymous' | 'owner' | 'other' | 'admin';
const ROLES: Role[] = ['anonymous', 'owner', 'other', 'admin'];
type Cells = [anonymous: number, owner: number, other: number, admin: number];

/** What one request needs: the URL (path parameters filled) and a body, made fresh for each cell. */
interface Fixture {
  url: string;
  payload?: Record<string, unknown>;
  headers?: Record<string, string>;
}
type Row = { cells: Cells; request: (world: World) => Promise<Fixture> };

interface World {
  owner: TestUser;
  /** A term of the owner's (fresh for each cell, since cells may edit or delete it). */
  term(): Promise<{ id: string; term: string }>;
  relation(): Promise<{ termId: string; id: string }>;
  refreshToken(): Promise<string>;
}

const everyone = (status: number): Cells => [status, status, status, status];
const signedIn = (status: number): Cells => [401, status, status, status];
const ownerOrAdmin = (status: number): Cells => [401, status, 403, status];

const MATRIX: Record<string, Row> = {
  'GET /': { cells: everyone(200), request: async () => ({ url: '/' }) },
  'GET /health': { cells: everyone(200), request: async () => ({ url: '/health' }) },
  'GET /ready': { cells: everyone(200), request: async () => ({ url: '/ready' }) },
  'GET /openapi.json': { cells: everyone(200), request: async () => ({ url: '/openapi.json' }) },
  'GET /docs': { cells: everyone(200), request: async () => ({ url: '/docs' }) },
  'GET /docs/': { cells: everyone(200), request: async () => ({ url: '/docs/' }) },
  'GET /docs/json': { cells: everyone(200), request: async () => ({ url: '/docs/json' }) },
  'GET /docs/yaml': { cells: everyone(200), request: async () => ({ url: '/docs/yaml' }) },
  // The UI's own page lives at /docs/: the static copy redirects there.
  'GET /docs/static/index.html': {
    cells: everyone(302),
    request: async () => ({ url: '/docs/static/index.html' }),
  },
  'GET /docs/static/swagger-initializer.js': {
    cells: everyone(200),
    request: async () => ({ url: '/docs/static/swagger-initializer.js' }),
  },
  'GET /docs/*': { cells: everyone(200), request: async () => ({ url: '/docs/static/swagger-ui.css' }) },
  // The scraper's token, not a user's: no JWT opens it, an administrator's neither.
  'GET /metrics': { cells: everyone(401), request: async () => ({ url: '/metrics' }) },
  'GET /debug/error': { cells: [401, 403, 403, 500], request: async () => ({ url: '/debug/error' }) },
  // CORS preflight: production with no CORS_ORIGINS allows no origin at all (a 404 problem).
  'OPTIONS *': {
    cells: everyone(404),
    request: async () => ({
      url: '/api/terms',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
    }),
  },
  'POST /api/auth/register': {
    cells: everyone(201),
    request: async () => ({
      url: '/api/auth/register',
      payload: { email: `matrix-${randomUUID()}@example.org`, password: 'Matrix-Password-2026' },
    }),
  },
  'POST /api/auth/login': {
    cells: everyone(200),
    request: async ({ owner }) => ({
      url: '/api/auth/login',
      payload: { email: owner.email, password: owner.password },
    }),
  },
  'POST /api/auth/refresh': {
    cells: everyone(200),
    request: async (world) => ({
      url: '/api/auth/refresh',
      payload: { refresh_token: await world.refreshToken() },
    }),
  },
  'POST /api/auth/logout': {
    cells: everyone(204),
    request: async (world) => ({
      url: '/api/auth/logout',
      payload: { refresh_token: await world.refreshToken() },
    }),
  },
  'GET /api/auth/providers': { cells: everyone(200), request: async () => ({ url: '/api/auth/providers' }) },
  'GET /api/auth/me': { cells: signedIn(200), request: async () => ({ url: '/api/auth/me' }) },
  'PATCH /api/auth/me': {
    cells: signedIn(200),
    request: async () => ({ url: '/api/auth/me', payload: { full_name: 'Matrix Member' } }),
  },
  // No provider is configured here: starting or finishing a flow finds none, whoever asks.
  'GET /api/auth/oauth/:provider': {
    cells: everyone(404),
    request: async () => ({ url: '/api/auth/oauth/github' }),
  },
  'GET /api/auth/oauth/:provider/callback': {
    cells: everyone(404),
    request: async () => ({ url: '/api/auth/oauth/github/callback?code=c&state=s' }),
  },
  'DELETE /api/auth/oauth/:provider': {
    cells: signedIn(404),
    request: async () => ({ url: '/api/auth/oauth/github' }),
  },
  'POST /api/terms': {
    cells: signedIn(201),
    request: async () => ({
      url: '/api/terms',
      payload: { term: `Matrix ${randomUUID()}`, definition: 'A term written by the authorization matrix.' },
    }),
  },
  'GET /api/terms': { cells: signedIn(200), request: async () => ({ url: '/api/terms' }) },
  'GET /api/terms/:id': {
    cells: signedIn(200),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}` }),
  },
  'PATCH /api/terms/:id': {
    cells: ownerOrAdmin(200),
    request: async (world) => ({
      url: `/api/terms/${(await world.term()).id}`,
      payload: { definition: 'An edited definition, long enough to be a real one.', version: 1 },
    }),
  },
  'DELETE /api/terms/:id': {
    cells: ownerOrAdmin(204),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}` }),
  },
  'POST /api/terms/:id/relations': {
    cells: ownerOrAdmin(201),
    request: async (world) => ({
      url: `/api/terms/${(await world.term()).id}/relations`,
      payload: { target_id: (await world.term()).id, type: 'related_to' },
    }),
  },
  'GET /api/terms/:id/relations': {
    cells: signedIn(200),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/relations` }),
  },
  'DELETE /api/terms/:id/relations/:relationId': {
    cells: ownerOrAdmin(204),
    request: async (world) => {
      const relation = await world.relation();
      return { url: `/api/terms/${relation.termId}/relations/${relation.id}` };
    },
  },
  'GET /api/terms/:id/related': {
    cells: signedIn(200),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/related` }),
  },
  'POST /api/terms/:id/validate': {
    cells: ownerOrAdmin(201),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/validate` }),
  },
  'GET /api/terms/:id/validations': {
    cells: signedIn(200),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/validations` }),
  },
  'GET /api/graph/related': {
    cells: signedIn(200),
    request: async (world) => ({
      url: `/api/graph/related?term=${encodeURIComponent((await world.term()).term)}`,
    }),
  },
  'GET /api/validation/status': {
    cells: signedIn(200),
    request: async () => ({ url: '/api/validation/status' }),
  },
  'POST /api/validation/runs': {
    cells: [401, 403, 403, 202],
    request: async () => ({ url: '/api/validation/runs', payload: { scope: 'changed' } }),
  },
  'GET /api/domains': { cells: signedIn(200), request: async () => ({ url: '/api/domains' }) },
  'GET /api/stats': { cells: everyone(200), request: async () => ({ url: '/api/stats' }) },
};

let context: TestContext;
let users: Record<Exclude<Role, 'anonymous'>, TestUser>;

beforeAll(async () => {
  context = await createTestContext({
    NODE_ENV: 'production',
    METRICS_TOKEN: 'matrix-metrics-token-0123456789',
    DEBUG_ROUTES: 'true',
  });
  users = {
    owner: await createUser(context),
    other: await createUser(context),
    admin: await createUser(context, { role: 'admin' }),
  };
});
afterAll(() => context.close());

/** "METHOD /path" for every route in Fastify's table (HEAD routes are checked with their GET row). */
export function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + match[2]!;
    stack.push(path);
    for (const method of match[3]?.split(', ') ?? []) routes.push(`${method} ${path}`);
  }
  return [...new Set(routes)].sort();
}

describe('the authorization matrix', () => {
  it('has a row for every registered route, and each cell answers as expected', async () => {
    const record = await trackReliability({
      id: 'control-authorization-matrix',
      kind: 'control',
      title: 'Authorization matrix generated from the route table',
      injected:
        'Every route Fastify registers (read from its route table at run time), called as anonymous, as the owner of the resource, as another user and as an administrator',
      expected:
        'The status in the matrix for each cell (401 anonymous, 403 another user’s resource…); no route without a row',
    });
    const routes = registeredRoutes(context.app.printRoutes({ commonPrefix: false }));
    const heads = routes.filter((route) => route.startsWith('HEAD '));
    const others = routes.filter((route) => !route.startsWith('HEAD '));
    // A HEAD route is Fastify's twin of a GET one and is checked with it.
    for (const head of heads) expect(routes, head).toContain(head.replace(/^HEAD /, 'GET '));
    const unlisted = others.filter((route) => !(route in MATRIX));
    const stale = Object.keys(MATRIX).filter((route) => !others.includes(route));
    expect(unlisted, 'routes without a row in the matrix').toEqual([]);
    expect(stale, 'rows for routes that no longer exist').toEqual([]);

    const world = (): World => ({
      owner: users.owner,
      term: () => createTerm(context, users.owner, { term: `Matrix term ${randomUUID()}` }),
      async relation() {
        const source = await createTerm(context, users.owner, { term: `Matrix source ${randomUUID()}` });
        const target = await createTerm(context, users.owner, { term: `Matrix target ${randomUUID()}` });
        const created = await relate(context, users.owner, source.id, target.id, 'related_to');
        return { termId: source.id, id: String(created.body.id) };
      },
      async refreshToken() {
        const login = await context.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: users.owner.email, password: users.owner.password },
        });
        return login.json().refresh_token as string;
      },
    });
    const mismatches: string[] = [];
    for (const route of others) {
      const [method, ...rest] = route.split(' ') as [string, ...string[]];
      const row = MATRIX[route]!;
      const probes =
        method === 'GET' && heads.includes(`HEAD ${rest.join(' ')}`) ? [method, 'HEAD'] : [method];
      for (const probe of probes)
        for (const [index, role] of ROLES.entries()) {
          const fixture = await row.request(world());
          const response = await context.app.inject({
            method: probe as 'GET',
            url: fixture.url,
            ...(fixture.payload ? { payload: fixture.payload } : {}),
            headers: { ...(role === 'anonymous' ? {} : users[role].auth), ...fixture.headers },
          });
          record.add('requests');
          const expected = row.cells[index]!;
          if (response.statusCode !== expected)
            mismatches.push(
              `${probe} ${rest.join(' ')} as ${role}: ${response.statusCode}, expected ${expected}`,
            );
          if (role === 'anonymous' && expected === 401) record.add('401 (anonymous)');
          if (role === 'other' && expected === 403) record.add('403 (another user’s resource)');
          if (response.statusCode >= 500 && expected < 500) record.add('unexpected 5xx');
        }
    }
    record.set('routes', others.length);
    record.set('HEAD twins', heads.length);
    record.set('cells', record.count('requests'));
    record.set('mismatches', mismatches.length);
    record.observe(
      mismatches.length === 0
        ? `${others.length} routes (+${heads.length} HEAD) × 4 callers: every cell as expected`
        : `${mismatches.length} cells differ: ${mismatches.slice(0, 5).join('; ')}`,
    );
    expect(mismatches).toEqual([]);
  });
});
