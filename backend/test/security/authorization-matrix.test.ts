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
  /** A private vocabulary the owner owns, with one viewer (`member`), fresh for each cell. */
  vocabulary(options?: { empty?: boolean }): Promise<{ slug: string; member: TestUser; termId: string }>;
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
  'GET /api/vocabularies': { cells: everyone(200), request: async () => ({ url: '/api/vocabularies' }) },
  'POST /api/vocabularies': {
    cells: signedIn(201),
    request: async () => ({
      url: '/api/vocabularies',
      payload: { slug: `matrix-${randomUUID()}`, title: { en: 'Matrix' }, default_language: 'en' },
    }),
  },
  // Private: it does not exist for those who are not members.
  'GET /api/vocabularies/:slug': {
    cells: [404, 200, 404, 200],
    request: async (world) => ({ url: `/api/vocabularies/${(await world.vocabulary()).slug}` }),
  },
  'PATCH /api/vocabularies/:slug': {
    cells: [401, 200, 404, 200],
    request: async (world) => ({
      url: `/api/vocabularies/${(await world.vocabulary()).slug}`,
      payload: { license: 'CC0-1.0', version: 1 },
    }),
  },
  'DELETE /api/vocabularies/:slug': {
    cells: [401, 204, 404, 204],
    request: async (world) => ({
      url: `/api/vocabularies/${(await world.vocabulary({ empty: true })).slug}`,
    }),
  },
  // Anonymous readers may browse public vocabularies' concepts here; this one is private.
  'GET /api/vocabularies/:slug/terms': {
    cells: [404, 200, 404, 200],
    request: async (world) => ({ url: `/api/vocabularies/${(await world.vocabulary()).slug}/terms` }),
  },
  'GET /api/vocabularies/:slug/terms/:id': {
    cells: [404, 200, 404, 200],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      return { url: `/api/vocabularies/${slug}/terms/${termId}` };
    },
  },
  'GET /api/vocabularies/:slug/hierarchy': {
    cells: [404, 200, 404, 200],
    request: async (world) => ({ url: `/api/vocabularies/${(await world.vocabulary()).slug}/hierarchy` }),
  },
  'GET /api/vocabularies/:slug/terms/:id/relations': {
    cells: [404, 200, 404, 200],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      return { url: `/api/vocabularies/${slug}/terms/${termId}/relations` };
    },
  },
  'GET /api/vocabularies/:slug/releases': {
    cells: [404, 200, 404, 200],
    request: async (world) => ({ url: `/api/vocabularies/${(await world.vocabulary()).slug}/releases` }),
  },
  'POST /api/vocabularies/:slug/releases': {
    cells: [401, 201, 404, 201],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      await released(slug, termId, world.owner);
      return { url: `/api/vocabularies/${slug}/releases`, payload: { name: 'v2' } };
    },
  },
  'GET /api/vocabularies/:slug/releases/:name': {
    cells: [404, 200, 404, 200],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      return { url: `/api/vocabularies/${await released(slug, termId, world.owner)}/releases/v1` };
    },
  },
  'GET /api/vocabularies/:slug/releases/:name/export': {
    cells: [404, 200, 404, 200],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      return { url: `/api/vocabularies/${await released(slug, termId, world.owner)}/releases/v1/export` };
    },
  },
  'GET /api/vocabularies/:slug/releases/:name/compare/:other': {
    cells: [404, 200, 404, 200],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      return { url: `/api/vocabularies/${await released(slug, termId, world.owner)}/releases/v1/compare/v1` };
    },
  },
  'GET /api/resolve': {
    cells: [404, 200, 404, 200],
    request: async (world) => {
      const { termId } = await world.vocabulary();
      const term = await context.app.inject({ url: `/api/terms/${termId}`, headers: world.owner.auth });
      return { url: `/api/resolve?iri=${encodeURIComponent(term.json().iri)}` };
    },
  },
  'GET /api/vocabularies/:slug/webhooks': {
    cells: [401, 200, 404, 200],
    request: async (world) => ({ url: `/api/vocabularies/${(await world.vocabulary()).slug}/webhooks` }),
  },
  'POST /api/vocabularies/:slug/webhooks': {
    cells: [401, 201, 404, 201],
    request: async (world) => ({
      url: `/api/vocabularies/${(await world.vocabulary()).slug}/webhooks`,
      payload: { url: 'https://hooks.example.org/x', events: ['term.published'] },
    }),
  },
  'PATCH /api/vocabularies/:slug/webhooks/:id': {
    cells: [401, 200, 404, 200],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      const hook = await webhookOf(slug, termId, world.owner);
      return { url: `/api/vocabularies/${slug}/webhooks/${hook.id}`, payload: { active: false } };
    },
  },
  'DELETE /api/vocabularies/:slug/webhooks/:id': {
    cells: [401, 204, 404, 204],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      return { url: `/api/vocabularies/${slug}/webhooks/${(await webhookOf(slug, termId, world.owner)).id}` };
    },
  },
  'GET /api/vocabularies/:slug/webhooks/:id/deliveries': {
    cells: [401, 200, 404, 200],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      const hook = await webhookOf(slug, termId, world.owner);
      return { url: `/api/vocabularies/${slug}/webhooks/${hook.id}/deliveries` };
    },
  },
  'POST /api/vocabularies/:slug/webhooks/:id/deliveries/:delivery/redeliver': {
    cells: [401, 202, 404, 202],
    request: async (world) => {
      const { slug, termId } = await world.vocabulary();
      const hook = await webhookOf(slug, termId, world.owner, { delivery: true });
      return { url: `/api/vocabularies/${slug}/webhooks/${hook.id}/deliveries/${hook.delivery}/redeliver` };
    },
  },
  'GET /api/vocabularies/:slug/changes': {
    cells: [404, 200, 404, 200],
    request: async (world) => ({ url: `/api/vocabularies/${(await world.vocabulary()).slug}/changes` }),
  },
  'GET /api/vocabularies/:slug/members': {
    cells: [401, 200, 404, 200],
    request: async (world) => ({ url: `/api/vocabularies/${(await world.vocabulary()).slug}/members` }),
  },
  'POST /api/vocabularies/:slug/members': {
    cells: [401, 200, 404, 200],
    request: async (world) => {
      const { slug, member } = await world.vocabulary();
      return { url: `/api/vocabularies/${slug}/members`, payload: { email: member.email, role: 'editor' } };
    },
  },
  'PUT /api/vocabularies/:slug/members/:userId': {
    cells: [401, 200, 404, 200],
    request: async (world) => {
      const { slug, member } = await world.vocabulary();
      return { url: `/api/vocabularies/${slug}/members/${member.id}`, payload: { role: 'reviewer' } };
    },
  },
  'DELETE /api/vocabularies/:slug/members/:userId': {
    cells: [401, 204, 404, 204],
    request: async (world) => {
      const { slug, member } = await world.vocabulary();
      return { url: `/api/vocabularies/${slug}/members/${member.id}` };
    },
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
  'GET /api/terms/:id/review': {
    cells: [401, 200, 403, 200],
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/review` }),
  },
  'POST /api/terms/:id/review/submit': {
    cells: ownerOrAdmin(200),
    request: async (world) => ({
      url: `/api/terms/${(await world.term()).id}/review/submit`,
      payload: { version: 1 },
    }),
  },
  // A fresh term is a draft: those allowed get past the policy to "not in review".
  'POST /api/terms/:id/review/withdraw': {
    cells: ownerOrAdmin(409),
    request: async (world) => ({
      url: `/api/terms/${(await world.term()).id}/review/withdraw`,
      payload: { version: 1 },
    }),
  },
  'POST /api/terms/:id/review/request-changes': {
    cells: [401, 403, 403, 409],
    request: async (world) => ({
      url: `/api/terms/${(await world.term()).id}/review/request-changes`,
      payload: { version: 1, comment: 'Say more.' },
    }),
  },
  'POST /api/terms/:id/review/approve': {
    cells: [401, 403, 403, 409],
    request: async (world) => ({
      url: `/api/terms/${(await world.term()).id}/review/approve`,
      payload: { version: 1 },
    }),
  },
  'GET /api/review/queue': {
    cells: signedIn(200),
    request: async () => ({ url: '/api/review/queue' }),
  },
  'GET /api/audit': {
    cells: [401, 403, 403, 200],
    request: async () => ({ url: '/api/audit' }),
  },
  'GET /api/terms/:id/history': {
    cells: signedIn(200),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/history` }),
  },
  'GET /api/terms/:id/revisions/:revision': {
    cells: signedIn(200),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/revisions/1` }),
  },
  'GET /api/terms/:id/diff': {
    cells: signedIn(200),
    request: async (world) => ({ url: `/api/terms/${(await world.term()).id}/diff?from=1&to=1` }),
  },
  'POST /api/terms/:id/restore': {
    cells: ownerOrAdmin(200),
    request: async (world) => ({
      url: `/api/terms/${(await world.term()).id}/restore`,
      payload: { revision: 1, version: 1 },
    }),
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
let member: TestUser;

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
  member = await createUser(context);
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
      async vocabulary(options = {}) {
        const slug = `matrix-${randomUUID()}`;
        await context.app.inject({
          method: 'POST',
          url: '/api/vocabularies',
          headers: users.owner.auth,
          payload: { slug, title: { en: 'Matrix' }, default_language: 'en' },
        });
        await context.app.inject({
          method: 'POST',
          url: `/api/vocabularies/${slug}/members`,
          headers: users.owner.auth,
          payload: { email: member.email, role: 'viewer' },
        });
        if (options.empty) return { slug, member, termId: '' };
        const term = await createTerm(context, users.owner, {
          term: `Matrix ${randomUUID()}`,
          vocabulary: slug,
        });
        return { slug, member, termId: term.id };
      },
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

  it('answers every vocabulary role as the policy says, on every route that acts within a vocabulary', async () => {
    const record = await trackReliability({
      id: 'control-vocabulary-role-matrix',
      kind: 'control',
      title: 'Vocabulary roles × the routes that act within a vocabulary',
      injected:
        'Each route that reads or writes a vocabulary or its concepts, called on a private vocabulary as anonymous, its owner, an editor, a reviewer, a viewer, a signed-in stranger and an administrator',
      expected:
        'The status in the role matrix for each cell; a stranger meets 404 (nothing leaks), a member without the right 403',
    });
    const roleUsers = {
      owner: users.owner,
      editor: await createUser(context),
      reviewer: await createUser(context),
      viewer: await createUser(context),
      other: users.other,
      admin: users.admin,
    };
    const mismatches: string[] = [];
    for (const [label, row] of Object.entries(VOCABULARY_MATRIX)) {
      for (const [index, role] of VOCABULARY_ROLES.entries()) {
        const scope = await vocabularyScope(roleUsers);
        const fixture = await row.request(scope);
        const response = await context.app.inject({
          method: row.method,
          url: fixture.url,
          ...(fixture.payload ? { payload: fixture.payload } : {}),
          headers: role === 'anonymous' ? {} : roleUsers[role].auth,
        });
        record.add('requests');
        const expected = row.cells[index]!;
        if (response.statusCode !== expected)
          mismatches.push(`${label} as ${role}: ${response.statusCode}, expected ${expected}`);
        if (response.statusCode >= 500) record.add('unexpected 5xx');
      }
    }
    record.set('rows', Object.keys(VOCABULARY_MATRIX).length);
    record.set('cells', record.count('requests'));
    record.set('mismatches', mismatches.length);
    record.observe(
      mismatches.length === 0
        ? `${Object.keys(VOCABULARY_MATRIX).length} routes × ${VOCABULARY_ROLES.length} callers: every cell as expected`
        : `${mismatches.length} cells differ: ${mismatches.slice(0, 5).join('; ')}`,
    );
    expect(mismatches).toEqual([]);
  });
});

const VOCABULARY_ROLES = ['anonymous', 'owner', 'editor', 'reviewer', 'viewer', 'other', 'admin'] as const;
type VocabularyCaller = Exclude<(typeof VOCABULARY_ROLES)[number], 'anonymous'>;
type VocabularyCells = [
  anonymous: number,
  owner: number,
  editor: number,
  reviewer: number,
  viewer: number,
  other: number,
  admin: number,
];

/** A private vocabulary with one member per role, a concept and a relation of the owner's, and a spare member. */
interface VocabularyScope {
  slug: string;
  termId: string;
  targetId: string;
  relationId: string;
  spare: TestUser;
}

async function vocabularyScope(roleUsers: Record<VocabularyCaller, TestUser>): Promise<VocabularyScope> {
  const slug = `roles-${randomUUID()}`;
  const as = (user: TestUser, method: 'POST', url: string, payload: Record<string, unknown>) =>
    context.app.inject({ method, url, headers: user.auth, payload });
  await as(roleUsers.owner, 'POST', '/api/vocabularies', {
    slug,
    title: { en: 'Roles' },
    default_language: 'en',
  });
  for (const role of ['editor', 'reviewer', 'viewer'] as const)
    await as(roleUsers.owner, 'POST', `/api/vocabularies/${slug}/members`, {
      email: roleUsers[role].email,
      role,
    });
  await as(roleUsers.owner, 'POST', `/api/vocabularies/${slug}/members`, {
    email: member.email,
    role: 'viewer',
  });
  const term = await createTerm(context, roleUsers.owner, {
    term: `Role term ${randomUUID()}`,
    vocabulary: slug,
  });
  const target = await createTerm(context, roleUsers.owner, {
    term: `Role target ${randomUUID()}`,
    vocabulary: slug,
  });
  const relation = await relate(context, roleUsers.owner, term.id, target.id, 'related_to');
  return { slug, termId: term.id, targetId: target.id, relationId: String(relation.body.id), spare: member };
}

type VocabularyRow = {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  cells: VocabularyCells;
  request: (scope: VocabularyScope) => Promise<Fixture>;
};

/** Validates the vocabulary's concept as its owner (publishing it) and publishes release `v1` of it. */
async function released(slug: string, termId: string, owner: TestUser): Promise<string> {
  let version = 1;
  for (const status of ['proposed', 'in_review', 'validated']) {
    const moved = await context.app.inject({
      method: 'PATCH',
      url: `/api/terms/${termId}`,
      headers: owner.auth,
      payload: { status, version },
    });
    if (moved.statusCode !== 200)
      throw new Error(`validating for a release: ${moved.statusCode} ${moved.body}`);
    version = moved.json().version;
  }
  const release = await context.app.inject({
    method: 'POST',
    url: `/api/vocabularies/${slug}/releases`,
    headers: owner.auth,
    payload: { name: 'v1' },
  });
  if (release.statusCode !== 201)
    throw new Error(`publishing a release: ${release.statusCode} ${release.body}`);
  return slug;
}

/** A webhook of the vocabulary, made by its owner; with `delivery`, one delivery queued for it. */
async function webhookOf(
  slug: string,
  termId: string,
  owner: TestUser,
  options: { delivery?: boolean } = {},
): Promise<{ id: string; delivery: number | null }> {
  const created = await context.app.inject({
    method: 'POST',
    url: `/api/vocabularies/${slug}/webhooks`,
    headers: owner.auth,
    payload: { url: 'https://hooks.example.org/lexikon', events: ['term.published', 'release.published'] },
  });
  if (created.statusCode !== 201)
    throw new Error(`creating a webhook: ${created.statusCode} ${created.body}`);
  const id = created.json().id as string;
  if (!options.delivery) return { id, delivery: null };
  await released(slug, termId, owner);
  const log = await context.app.inject({
    method: 'GET',
    url: `/api/vocabularies/${slug}/webhooks/${id}/deliveries`,
    headers: owner.auth,
  });
  return { id, delivery: log.json().items[0].id as number };
}

//                                       anon owner editor reviewer viewer other admin
// The seed's /api/terms routes need a token; the vocabulary-scoped ones are open to anonymous readers.
const readers: VocabularyCells = [401, 200, 200, 200, 200, 404, 200];
const browsers: VocabularyCells = [404, 200, 200, 200, 200, 404, 200];
const owners = (status: number): VocabularyCells => [401, status, 403, 403, 403, 404, status];
const writers = (status: number): VocabularyCells => [401, status, status, 403, 403, 404, status];

const VOCABULARY_MATRIX: Record<string, VocabularyRow> = {
  'GET /api/vocabularies/:slug': {
    method: 'GET',
    cells: browsers,
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}` }),
  },
  'PATCH /api/vocabularies/:slug': {
    method: 'PATCH',
    cells: owners(200),
    request: async ({ slug }) => ({
      url: `/api/vocabularies/${slug}`,
      payload: { license: 'CC0-1.0', version: 1 },
    }),
  },
  'DELETE /api/vocabularies/:slug (not empty)': {
    method: 'DELETE',
    cells: owners(409),
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}` }),
  },
  'GET /api/vocabularies/:slug/members': {
    method: 'GET',
    cells: [401, 200, 200, 200, 200, 404, 200],
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}/members` }),
  },
  'POST /api/vocabularies/:slug/members': {
    method: 'POST',
    cells: owners(200),
    request: async ({ slug, spare }) => ({
      url: `/api/vocabularies/${slug}/members`,
      payload: { email: spare.email, role: 'editor' },
    }),
  },
  'PUT /api/vocabularies/:slug/members/:userId': {
    method: 'PUT',
    cells: owners(200),
    request: async ({ slug, spare }) => ({
      url: `/api/vocabularies/${slug}/members/${spare.id}`,
      payload: { role: 'reviewer' },
    }),
  },
  'DELETE /api/vocabularies/:slug/members/:userId': {
    method: 'DELETE',
    cells: owners(204),
    request: async ({ slug, spare }) => ({ url: `/api/vocabularies/${slug}/members/${spare.id}` }),
  },
  'POST /api/terms': {
    method: 'POST',
    cells: writers(201),
    request: async ({ slug }) => ({
      url: '/api/terms',
      payload: {
        term: `Matrix ${randomUUID()}`,
        definition: 'A term written by the role matrix.',
        vocabulary: slug,
      },
    }),
  },
  'GET /api/vocabularies/:slug/terms': {
    method: 'GET',
    cells: browsers,
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}/terms` }),
  },
  'GET /api/vocabularies/:slug/terms/:id': {
    method: 'GET',
    cells: browsers,
    request: async ({ slug, termId }) => ({ url: `/api/vocabularies/${slug}/terms/${termId}` }),
  },
  'GET /api/vocabularies/:slug/hierarchy': {
    method: 'GET',
    cells: browsers,
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}/hierarchy` }),
  },
  'GET /api/vocabularies/:slug/terms/:id/relations': {
    method: 'GET',
    cells: browsers,
    request: async ({ slug, termId }) => ({ url: `/api/vocabularies/${slug}/terms/${termId}/relations` }),
  },
  'GET /api/terms?vocabulary=': {
    method: 'GET',
    cells: readers,
    request: async ({ slug }) => ({ url: `/api/terms?vocabulary=${slug}` }),
  },
  'GET /api/terms/:id': {
    method: 'GET',
    cells: readers,
    request: async ({ termId }) => ({ url: `/api/terms/${termId}` }),
  },
  'PATCH /api/terms/:id': {
    method: 'PATCH',
    cells: writers(200),
    request: async ({ termId }) => ({
      url: `/api/terms/${termId}`,
      payload: { definition: 'An edited definition, long enough to be a real one.', version: 1 },
    }),
  },
  'PATCH /api/terms/:id (status only)': {
    method: 'PATCH',
    cells: [401, 200, 200, 200, 403, 404, 200],
    request: async ({ termId }) => ({
      url: `/api/terms/${termId}`,
      payload: { status: 'proposed', version: 1 },
    }),
  },
  'DELETE /api/terms/:id': {
    method: 'DELETE',
    cells: writers(204),
    request: async ({ termId }) => ({ url: `/api/terms/${termId}` }),
  },
  'POST /api/terms/:id/relations': {
    method: 'POST',
    cells: writers(201),
    request: async ({ termId, targetId }) => ({
      url: `/api/terms/${termId}/relations`,
      payload: { target_id: targetId, type: 'causes' },
    }),
  },
  'GET /api/terms/:id/relations': {
    method: 'GET',
    cells: readers,
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/relations` }),
  },
  'GET /api/terms/:id/history': {
    method: 'GET',
    cells: readers,
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/history` }),
  },
  'GET /api/terms/:id/revisions/:revision': {
    method: 'GET',
    cells: readers,
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/revisions/1` }),
  },
  'GET /api/terms/:id/diff': {
    method: 'GET',
    cells: readers,
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/diff?from=1&to=1` }),
  },
  'POST /api/terms/:id/restore': {
    method: 'POST',
    cells: writers(200),
    request: async ({ termId }) => ({
      url: `/api/terms/${termId}/restore`,
      payload: { revision: 1, version: 1 },
    }),
  },
  'GET /api/terms/:id/review': {
    method: 'GET',
    cells: [401, 200, 200, 200, 403, 404, 200],
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/review` }),
  },
  'POST /api/terms/:id/review/submit': {
    method: 'POST',
    cells: writers(200),
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/review/submit`, payload: { version: 1 } }),
  },
  'POST /api/terms/:id/review/withdraw': {
    method: 'POST',
    cells: [401, 409, 409, 403, 403, 404, 409],
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/review/withdraw`, payload: { version: 1 } }),
  },
  'POST /api/terms/:id/review/request-changes': {
    method: 'POST',
    cells: [401, 409, 403, 409, 403, 404, 409],
    request: async ({ termId }) => ({
      url: `/api/terms/${termId}/review/request-changes`,
      payload: { version: 1, comment: 'Say more.' },
    }),
  },
  'POST /api/terms/:id/review/approve': {
    method: 'POST',
    cells: [401, 409, 403, 409, 403, 404, 409],
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/review/approve`, payload: { version: 1 } }),
  },
  'GET /api/vocabularies/:slug/releases': {
    method: 'GET',
    cells: browsers,
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}/releases` }),
  },
  'POST /api/vocabularies/:slug/releases (nothing published)': {
    method: 'POST',
    cells: owners(422),
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}/releases`, payload: { name: 'v1' } }),
  },
  'GET /api/vocabularies/:slug/webhooks': {
    method: 'GET',
    cells: owners(200),
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}/webhooks` }),
  },
  'POST /api/vocabularies/:slug/webhooks': {
    method: 'POST',
    cells: owners(201),
    request: async ({ slug }) => ({
      url: `/api/vocabularies/${slug}/webhooks`,
      payload: { url: 'https://hooks.example.org/x', events: ['term.published'] },
    }),
  },
  'GET /api/vocabularies/:slug/changes': {
    method: 'GET',
    cells: browsers,
    request: async ({ slug }) => ({ url: `/api/vocabularies/${slug}/changes` }),
  },
  'DELETE /api/terms/:id/relations/:relationId': {
    method: 'DELETE',
    cells: writers(204),
    request: async ({ termId, relationId }) => ({ url: `/api/terms/${termId}/relations/${relationId}` }),
  },
  'GET /api/terms/:id/related': {
    method: 'GET',
    cells: readers,
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/related` }),
  },
  'POST /api/terms/:id/validate': {
    method: 'POST',
    cells: [401, 201, 201, 201, 403, 404, 201],
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/validate` }),
  },
  'GET /api/terms/:id/validations': {
    method: 'GET',
    cells: readers,
    request: async ({ termId }) => ({ url: `/api/terms/${termId}/validations` }),
  },
};
