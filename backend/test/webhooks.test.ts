/**
 * Signed webhooks against loopback receivers: events for a published concept, a deprecation and a
 * release; a receiver that is down, and one that answers too slowly — retried with backoff until the last
 * attempt, every attempt in the delivery log — and redelivery. Over HTTP, on PGlite and on PostgreSQL.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/platform/clock.ts';
import { verifySignature } from '../src/webhooks/signature.ts';
import { WebhookWorker } from '../src/webhooks/worker.ts';
import { createTestContext, createUser, type TestContext, type TestUser } from './support/test-app.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A receiver on a loopback port: answers 204, or 500, or only after `delayMs`. */
async function receiver() {
  const received: Received[] = [];
  const state = { mode: 'ok' as 'ok' | 'error' | 'slow', delayMs: 2000 };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (state.mode === 'error') return response.writeHead(500).end('broken');
      if (state.mode === 'slow') {
        const timer = setTimeout(() => response.writeHead(204).end(), state.delayMs);
        response.on('close', () => clearTimeout(timer));
        return;
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/gone`;
}

let context: TestContext;
let worker: WebhookWorker;
let owner: TestUser;
let editor: TestUser;
let counter = 0;
const TIMEOUT_MS = 400;

beforeAll(async () => {
  context = await createTestContext();
  worker = new WebhookWorker({
    db: context.database.db,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    options: { pollMs: 50, timeoutMs: TIMEOUT_MS, maxAttempts: 3, backoffMs: 20, backoffMaxMs: 40 },
  });
  [owner, editor] = await Promise.all([createUser(context), createUser(context)]);
});
afterAll(async () => {
  await worker.stop();
  await context.close();
});

const call = (user: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  context.app.inject({
    method,
    url,
    headers: user.auth,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });

async function ok(
  user: TestUser,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
) {
  const response = await call(user, method, url, payload);
  expect(response.statusCode, response.body).toBeLessThan(300);
  return response.statusCode === 204 ? null : response.json();
}

async function vocabulary() {
  const slug = `hooks-${++counter}-${Date.now().toString(36)}`;
  await ok(owner, 'POST', '/api/vocabularies', { slug, title: { en: 'Hooked' }, default_language: 'en' });
  await ok(owner, 'POST', `/api/vocabularies/${slug}/members`, { email: editor.email, role: 'editor' });
  return slug;
}

async function publish(slug: string, term: string) {
  const created = await ok(owner, 'POST', '/api/terms', {
    vocabulary: slug,
    term,
    definition: `What ${term} means, in a sentence.`,
    domain: 'Hooks',
  });
  let version = created.version;
  for (const status of ['proposed', 'in_review', 'validated'])
    version = (await ok(owner, 'PATCH', `/api/terms/${created.id}`, { status, version })).version;
  return { id: created.id as string, version: version as number };
}

/** Runs the worker until nothing is due now. */
async function drain() {
  while ((await worker.runOnce()).length > 0);
}

const deliveries = (slug: string, id: string) =>
  ok(owner, 'GET', `/api/vocabularies/${slug}/webhooks/${id}/deliveries`);

describe('webhooks', () => {
  it('sends signed events when a concept is published or deprecated and a release published', async () => {
    const target = await receiver();
    try {
      const slug = await vocabulary();
      const created = await call(owner, 'POST', `/api/vocabularies/${slug}/webhooks`, {
        url: target.url,
        events: ['term.published', 'term.deprecated', 'release.published'],
        description: 'Our index',
      });
      expect(created.statusCode, created.body).toBe(201);
      const { id, secret } = created.json();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const listed = await ok(owner, 'GET', `/api/vocabularies/${slug}/webhooks`);
      expect(JSON.stringify(listed)).not.toContain(secret);
      expect((await call(editor, 'GET', `/api/vocabularies/${slug}/webhooks`)).statusCode).toBe(403);

      const concept = await publish(slug, 'Lemma');
      // An editor's change waits for review: nothing is published, nothing is sent.
      await ok(editor, 'PATCH', `/api/terms/${concept.id}`, {
        version: concept.version,
        definition: 'Pending words.',
      });
      await drain();
      expect(target.received).toHaveLength(1);
      const [first] = target.received;
      expect(first!.headers['lexikon-event']).toBe('term.published');
      expect(
        verifySignature(secret, first!.body, String(first!.headers['lexikon-signature']), {
          nowSeconds: Math.floor(Date.now() / 1000),
          toleranceSeconds: 300,
        }),
      ).toBe(true);
      expect(
        verifySignature('whsec_wrong', first!.body, String(first!.headers['lexikon-signature']), {
          nowSeconds: Math.floor(Date.now() / 1000),
          toleranceSeconds: 300,
        }),
      ).toBe(false);
      const event = JSON.parse(first!.body);
      expect(event).toMatchObject({
        type: 'term.published',
        data: { vocabulary: slug, concept: { id: concept.id, term: 'Lemma', status: 'validated' } },
      });
      expect(event.id).toBe(first!.headers['lexikon-event-id']);

      // The reviewer (the owner) sends the change back and deprecates the concept instead.
      const current = await ok(owner, 'GET', `/api/terms/${concept.id}`);
      const drafted = await ok(owner, 'POST', `/api/terms/${concept.id}/review/request-changes`, {
        version: current.version,
        comment: 'Deprecate instead.',
      });
      await ok(owner, 'PATCH', `/api/terms/${concept.id}`, {
        version: drafted.concept.version,
        status: 'deprecated',
      });
      await ok(owner, 'POST', `/api/vocabularies/${slug}/releases`, { name: '2026.12' });
      await drain();
      expect(target.received.map((request) => request.headers['lexikon-event'])).toEqual([
        'term.published',
        'term.deprecated',
        'release.published',
      ]);
      expect(JSON.parse(target.received[2]!.body).data.release).toMatchObject({
        name: '2026.12',
        concept_count: 1,
      });

      const log = await deliveries(slug, id);
      expect(log.items.map((item: { status: string }) => item.status)).toEqual([
        'delivered',
        'delivered',
        'delivered',
      ]);
      expect(log.items[0].attempts).toEqual([
        expect.objectContaining({ attempt: 1, status_code: 204, error: null }),
      ]);
    } finally {
      await target.close();
    }
  });

  it('retries a receiver that is down with backoff until the last attempt, then redelivers on request', async () => {
    const slug = await vocabulary();
    const hook = await ok(owner, 'POST', `/api/vocabularies/${slug}/webhooks`, {
      url: await closedPort(),
      events: ['term.published'],
    });
    await publish(slug, 'Stem');
    expect((await worker.runOnce()).map((item) => item.state)).toEqual(['retried']);
    let log = await deliveries(slug, hook.id);
    expect(log.items[0]).toMatchObject({ status: 'pending' });
    expect(log.items[0].attempts[0]).toMatchObject({ attempt: 1, status_code: null });
    expect(log.items[0].attempts[0].error).toMatch(/ECONNREFUSED|connect/i);
    expect(Date.parse(log.items[0].next_attempt_at)).toBeGreaterThan(Date.parse(log.items[0].attempts[0].at));
    // Nothing is due before the backoff.
    expect(await worker.runOnce()).toEqual([]);
    for (let settled = 0; settled < 2;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      settled += (await worker.runOnce()).length;
    }
    log = await deliveries(slug, hook.id);
    expect(log.items[0].status).toBe('failed');
    expect(log.items[0].attempts.map((attempt: { attempt: number }) => attempt.attempt)).toEqual([1, 2, 3]);

    // The receiver is back (at a new address): redeliver the same event.
    const target = await receiver();
    try {
      await ok(owner, 'PATCH', `/api/vocabularies/${slug}/webhooks/${hook.id}`, { url: target.url });
      const again = await call(
        owner,
        'POST',
        `/api/vocabularies/${slug}/webhooks/${hook.id}/deliveries/${log.items[0].id}/redeliver`,
      );
      expect(again.statusCode, again.body).toBe(202);
      expect(again.json()).toMatchObject({ redelivery_of: log.items[0].id, event_id: log.items[0].event_id });
      await drain();
      expect(target.received).toHaveLength(1);
      expect(target.received[0]!.headers['lexikon-event-id']).toBe(log.items[0].event_id);
      expect((await deliveries(slug, hook.id)).items[0].status).toBe('delivered');
    } finally {
      await target.close();
    }
  });

  it('gives up on a receiver that answers too slowly, within the timeout, and delivers once it is quick', async () => {
    const target = await receiver();
    try {
      target.state.mode = 'slow';
      const slug = await vocabulary();
      const hook = await ok(owner, 'POST', `/api/vocabularies/${slug}/webhooks`, {
        url: target.url,
        events: ['term.published'],
      });
      await publish(slug, 'Root');
      const started = Date.now();
      expect((await worker.runOnce()).map((item) => item.state)).toEqual(['retried']);
      expect(Date.now() - started).toBeLessThan(target.state.delayMs);
      const log = await deliveries(slug, hook.id);
      expect(log.items[0].attempts[0].error).toBe(`no answer within ${TIMEOUT_MS} ms`);
      target.state.mode = 'error';
      await new Promise((resolve) => setTimeout(resolve, 50));
      await worker.runOnce();
      expect((await deliveries(slug, hook.id)).items[0].attempts[1]).toMatchObject({
        status_code: 500,
        error: 'HTTP 500',
      });
      target.state.mode = 'ok';
      await new Promise((resolve) => setTimeout(resolve, 50));
      await worker.runOnce();
      const done = (await deliveries(slug, hook.id)).items[0];
      expect(done.status).toBe('delivered');
      expect(done.attempts.map((attempt: { status_code: number | null }) => attempt.status_code)).toEqual([
        null,
        500,
        204,
      ]);
      // Paused webhooks get nothing new.
      await ok(owner, 'PATCH', `/api/vocabularies/${slug}/webhooks/${hook.id}`, { active: false });
      await publish(slug, 'Affix');
      expect((await deliveries(slug, hook.id)).items).toHaveLength(1);
    } finally {
      await target.close();
    }
  });

  it('refuses bad settings clearly and deletes a webhook with its log', async () => {
    const slug = await vocabulary();
    const ftp = await call(owner, 'POST', `/api/vocabularies/${slug}/webhooks`, {
      url: 'ftp://example.org/x',
      events: ['term.published'],
    });
    expect([ftp.statusCode, ftp.json().errors[0].path]).toEqual([400, 'body.url']);
    const none = await call(owner, 'POST', `/api/vocabularies/${slug}/webhooks`, {
      url: 'https://example.org/x',
      events: [],
    });
    expect([none.statusCode, none.json().errors[0].path]).toEqual([400, 'body.events']);
    const unknown = await call(owner, 'POST', `/api/vocabularies/${slug}/webhooks`, {
      url: 'https://example.org/x',
      events: ['term.eaten'],
    });
    expect(unknown.statusCode).toBe(400);
    const hook = await ok(owner, 'POST', `/api/vocabularies/${slug}/webhooks`, {
      url: 'https://example.org/x',
      events: ['release.published'],
    });
    expect((await call(editor, 'DELETE', `/api/vocabularies/${slug}/webhooks/${hook.id}`)).statusCode).toBe(
      403,
    );
    expect((await call(owner, 'DELETE', `/api/vocabularies/${slug}/webhooks/${hook.id}`)).statusCode).toBe(
      204,
    );
    expect(
      (await call(owner, 'GET', `/api/vocabularies/${slug}/webhooks/${hook.id}/deliveries`)).statusCode,
    ).toBe(404);
  });
});
