import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTerm,
  createTestContext,
  createUser,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

let context: TestContext;
let user: TestUser;
let termId = '';

beforeAll(async () => {
  context = await createTestContext({ BODY_LIMIT_BYTES: '65536', CORS_ORIGINS: 'http://localhost:5173' });
  user = await createUser(context);
  termId = (await createTerm(context, user, { term: 'Contract anchor' })).id;
});
afterAll(() => context.close());

type Case = {
  label: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string | (() => string);
  payload?: unknown;
  headers?: Record<string, string>;
  status: number;
  anonymous?: boolean;
};

const huge = 'x'.repeat(70_000);
const injection = [
  `' OR 1=1 --`,
  `"; DROP TABLE users; --`,
  `{"$ne": null}`,
  `\\u0000`,
  `<img src=x onerror=alert(1)>`,
];

const badInputs: Case[] = [
  {
    label: 'wrong type for term',
    method: 'POST',
    url: '/api/terms',
    payload: { term: 42, definition: 'd' },
    status: 400,
  },
  {
    label: 'missing definition',
    method: 'POST',
    url: '/api/terms',
    payload: { term: 'No definition' },
    status: 400,
  },
  {
    label: 'empty term after trim',
    method: 'POST',
    url: '/api/terms',
    payload: { term: '   ', definition: 'd' },
    status: 400,
  },
  {
    label: 'unknown level',
    method: 'POST',
    url: '/api/terms',
    payload: { term: 't', definition: 'd', level: 'guru' },
    status: 400,
  },
  {
    label: 'unknown field',
    method: 'POST',
    url: '/api/terms',
    payload: { term: 't', definition: 'd', admin: true },
    status: 400,
  },
  {
    label: 'term too long',
    method: 'POST',
    url: '/api/terms',
    payload: { term: 'x'.repeat(201), definition: 'd' },
    status: 400,
  },
  {
    label: 'NUL byte in term',
    method: 'POST',
    url: '/api/terms',
    payload: { term: 'a\u0000b', definition: 'd' },
    status: 400,
  },
  { label: 'array instead of object', method: 'POST', url: '/api/terms', payload: [1, 2], status: 400 },
  {
    label: 'body over the limit',
    method: 'POST',
    url: '/api/terms',
    payload: { term: 't', definition: huge },
    status: 413,
  },
  {
    label: 'malformed JSON',
    method: 'POST',
    url: '/api/terms',
    payload: '{"term": "t", ',
    headers: { 'content-type': 'application/json' },
    status: 400,
  },
  {
    label: 'form-encoded body',
    method: 'POST',
    url: '/api/terms',
    payload: 'term=t&definition=d',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
  },
  {
    label: 'XML body',
    method: 'POST',
    url: '/api/auth/login',
    payload: '<login/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    anonymous: true,
  },
  { label: 'invalid UUID in path', method: 'GET', url: '/api/terms/not-a-uuid', status: 400 },
  {
    label: 'SQL in path',
    method: 'GET',
    url: `/api/terms/${encodeURIComponent("1' OR '1'='1")}`,
    status: 400,
  },
  { label: 'limit too large', method: 'GET', url: '/api/terms?limit=1000', status: 400 },
  { label: 'negative limit', method: 'GET', url: '/api/terms?limit=-1', status: 400 },
  { label: 'limit not a number', method: 'GET', url: '/api/terms?limit=ten', status: 400 },
  { label: 'unknown status filter', method: 'GET', url: '/api/terms?status=published', status: 400 },
  { label: 'invalid created_by', method: 'GET', url: '/api/terms?created_by=me', status: 400 },
  { label: 'cursor not base64 JSON', method: 'GET', url: '/api/terms?cursor=%%%', status: 400 },
  {
    label: 'cursor with SQL',
    method: 'GET',
    url: `/api/terms?cursor=${Buffer.from(`{"s":"recent","k":"'; DROP TABLE terms; --","id":"00000000-0000-4000-8000-000000000000"}`).toString('base64url')}`,
    status: 400,
  },
  { label: 'search query too long', method: 'GET', url: `/api/terms?q=${'a'.repeat(201)}`, status: 400 },
  { label: 'unknown query parameter', method: 'GET', url: '/api/terms?evil=1', status: 400 },
  {
    label: 'If-Match not an ETag',
    method: 'PATCH',
    url: () => `/api/terms/${termId}`,
    payload: { level: 'expert' },
    headers: { 'if-match': 'yesterday' },
    status: 400,
  },
  {
    label: 'version not a number',
    method: 'PATCH',
    url: () => `/api/terms/${termId}`,
    payload: { level: 'expert', version: '1' },
    status: 400,
  },
  {
    label: 'empty patch',
    method: 'PATCH',
    url: () => `/api/terms/${termId}`,
    payload: { version: 1 },
    status: 400,
  },
  {
    label: 'relation strength out of range',
    method: 'POST',
    url: () => `/api/terms/${termId}/relations`,
    payload: { target_id: termId, type: 'related_to', strength: 7 },
    status: 400,
  },
  {
    label: 'relation target not a UUID',
    method: 'POST',
    url: () => `/api/terms/${termId}/relations`,
    payload: { target_id: 'x', type: 'is_a' },
    status: 400,
  },
  {
    label: 'relation id not a UUID',
    method: 'DELETE',
    url: () => `/api/terms/${termId}/relations/abc`,
    status: 400,
  },
  {
    label: 'login without password',
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'a@b.org' },
    status: 400,
    anonymous: true,
  },
  {
    label: 'login with invalid email',
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'not-an-email', password: 'x' },
    status: 400,
    anonymous: true,
  },
  {
    label: 'register with object email',
    method: 'POST',
    url: '/api/auth/register',
    payload: { email: { $gt: '' }, password: 'Some-Good-Password-1' },
    status: 400,
    anonymous: true,
  },
  {
    label: 'refresh with a huge token',
    method: 'POST',
    url: '/api/auth/refresh',
    payload: { refresh_token: huge.slice(0, 5000) },
    status: 400,
    anonymous: true,
  },
  { label: 'unknown route', method: 'GET', url: '/api/nothing-here', status: 404 },
  { label: 'unknown top-level route', method: 'GET', url: '/wp-admin', status: 404, anonymous: true },
  { label: 'no token', method: 'GET', url: '/api/terms', status: 401, anonymous: true },
  {
    label: 'malformed Authorization',
    method: 'GET',
    url: '/api/terms',
    headers: { authorization: 'Basic Zm9vOmJhcg==' },
    status: 401,
    anonymous: true,
  },
];

describe('bad input always gets a 4xx problem+json, never a 500', () => {
  it.each(badInputs)('$label → $status', async ({ method, url, payload, headers, status, anonymous }) => {
    const response = await context.app.inject({
      method,
      url: typeof url === 'function' ? url() : url,
      payload: payload as string,
      headers: { ...(anonymous ? {} : user.auth), ...headers },
    });
    expect(response.statusCode, response.body).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem).toMatchObject({
      status,
      type: expect.stringMatching(/^\/problems\//),
      title: expect.any(String),
    });
    if (status === 400 && problem.code === 'validation-failed') {
      expect(problem.errors.length).toBeGreaterThan(0);
      for (const error of problem.errors)
        expect(error).toEqual({ path: expect.any(String), message: expect.any(String) });
    }
  });

  it.each(injection)('stores and returns injection text literally: %s', async (text) => {
    const created = await context.app.inject({
      method: 'POST',
      url: '/api/terms',
      headers: user.auth,
      payload: { term: `Injected ${text}`, definition: text, domain: text },
    });
    expect(created.statusCode).toBe(201);
    const read = await context.app.inject({
      method: 'GET',
      url: `/api/terms/${created.json().id}`,
      headers: user.auth,
    });
    expect(read.json()).toMatchObject({ term: `Injected ${text}`, definition: text, domain: text });
    const search = await context.app.inject({
      method: 'GET',
      url: `/api/terms?q=${encodeURIComponent(text)}&domain=${encodeURIComponent(text)}`,
      headers: user.auth,
    });
    expect(search.statusCode).toBe(200);
  });

  it('names the field of each validation error', async () => {
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/terms',
      headers: user.auth,
      payload: { term: '', definition: 7, level: 'guru' },
    });
    const paths = response
      .json()
      .errors.map((error: { path: string }) => error.path)
      .sort();
    expect(paths).toEqual(['body.definition', 'body.level', 'body.term']);
  });
});

describe('service surface', () => {
  it('identifies itself and reports liveness and readiness', async () => {
    expect((await context.app.inject('/')).json()).toMatchObject({
      name: 'lexikon',
      version: expect.any(String),
    });
    expect((await context.app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await context.app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('serves an OpenAPI 3.1 document generated from the schemas, and the docs UI', async () => {
    const response = await context.app.inject('/openapi.json');
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toBe('3.1.0');
    for (const path of [
      '/api/auth/login',
      '/api/terms',
      '/api/terms/{id}',
      '/api/terms/{id}/relations',
      '/api/terms/{id}/related',
      '/api/graph/related',
    ])
      expect(document.paths, path).toHaveProperty([path]);
    const create = document.paths['/api/terms'].post;
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '409']));
    expect(document.components.schemas).toHaveProperty('Problem');
    expect(document.components.schemas).toHaveProperty('Term');
    const docs = await context.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('counts terms and relations for the home page', async () => {
    const stats = await context.app.inject({ method: 'GET', url: '/api/stats', headers: user.auth });
    expect(stats.statusCode).toBe(200);
    expect(stats.json().terms).toBeGreaterThan(0);
  });

  it('sends security headers and a request id', async () => {
    const response = await context.app.inject({ method: 'GET', url: '/api/terms', headers: user.auth });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['strict-transport-security']).toBeUndefined();
    const traced = await context.app.inject({ url: '/health', headers: { 'x-request-id': 'trace-123' } });
    expect(traced.headers['x-request-id']).toBe('trace-123');
  });

  it('allows CORS only for configured origins', async () => {
    const preflight = (origin: string) =>
      context.app.inject({
        method: 'OPTIONS',
        url: '/api/terms',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    const denied = await preflight('https://evil.example');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});
