import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemStatusDescriptions } from '../../src/platform/http/problem-responses.ts';
import { createTestContext, createUser, type TestContext, type TestUser } from '../support/test-app.ts';

// Regressions from contract fuzzing: requests refused before routing used to get Fastify's own JSON
// body (not problem+json, not in the document), and the document filed problems under application/json.
let context: TestContext;
let user: TestUser;
let baseUrl: string;

beforeAll(async () => {
  context = await createTestContext();
  user = await createUser(context);
  baseUrl = await context.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => context.close());

async function expectProblem(response: Response, status: number, code: string): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await response.json()).toMatchObject({ status, code, type: `/problems/${code}` });
}

describe('requests refused before a route is found', () => {
  it('answers a malformed percent-encoding in the path with a 400 problem', async () => {
    await expectProblem(await fetch(`${baseUrl}/api/terms/%zz`, { headers: user.auth }), 400, 'bad-url');
  });

  it('answers a path segment over the length limit with a 400 problem', async () => {
    await expectProblem(
      await fetch(`${baseUrl}/api/terms/${'a'.repeat(300)}`, { headers: user.auth }),
      400,
      'path-too-long',
    );
  });

  it('answers headers over 16 KiB with a 431 problem, then closes the connection', async () => {
    const raw = await rawRequest(
      `GET /api/terms?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(raw).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(raw).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 431,
      code: 'headers-too-large',
    });
  });

  it('answers a request that is not HTTP with a 400 problem', async () => {
    const raw = await rawRequest('HELLO THERE\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'malformed-request' });
  });
});

describe('the OpenAPI document', () => {
  type Operation = {
    operationId?: string;
    responses: Record<string, { description: string; content?: Record<string, unknown>; links?: object }>;
  };
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    paths = (await context.app.inject('/openapi.json')).json().paths;
  });

  it('declares every problem response as application/problem+json, described, with 500 everywhere', () => {
    for (const [path, methods] of Object.entries(paths))
      for (const [method, operation] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(Object.keys(operation.responses), where).toContain('500');
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          expect(Object.keys(response.content ?? {}), `${where} ${status}`).toEqual([
            'application/problem+json',
          ]);
          expect(response.description).toBe(
            problemStatusDescriptions[Number(status) as keyof typeof problemStatusDescriptions],
          );
        }
      }
  });

  it('declares only the statuses a route can answer', () => {
    const statuses = (path: string, method: string) => Object.keys(paths[path]![method]!.responses).sort();
    expect(statuses('/health', 'get')).toEqual(['200', '500']);
    expect(statuses('/api/auth/login', 'post')).toEqual([
      '200',
      '400',
      '401',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(statuses('/api/auth/register', 'post')).not.toContain('401');
    expect(statuses('/api/terms', 'get')).not.toContain('429');
    expect(statuses('/api/terms/{id}', 'patch')).toEqual(
      ['200', '400', '401', '403', '404', '409', '412', '413', '415', '422', '428', '500', '503'].sort(),
    );
  });

  it('links a created term to the operations that use its id, and a relation to its removal', () => {
    const created = paths['/api/terms']!.post!.responses['201']!.links as Record<
      string,
      { operationId: string }
    >;
    expect(Object.values(created).map((link) => link.operationId)).toEqual(
      expect.arrayContaining(['getTerm', 'updateTerm', 'deleteTerm', 'createRelation']),
    );
    expect(paths['/api/terms/{id}/relations']!.post!.responses['201']!.links).toHaveProperty(
      'DeleteRelation',
    );
  });
});

function rawRequest(text: string): Promise<string> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('close', () => resolve(received));
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    socket.write(text);
  });
}
