import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/database/client.ts';
import { PROMPT_VERSION } from '../src/validation/llm/prompt.ts';
import {
  content,
  DEFAULT_USAGE,
  httpStatus,
  slow,
  startFakeLlm,
  verdict,
  type FakeLlm,
} from '@lexikon/harness/fakes/llm';
import { createTerm, createUser, relate, type TestUser } from './support/test-app.ts';
import {
  createValidationContext,
  llmEnvironment,
  metricValue,
  type ValidationTestContext,
} from './support/validation-context.ts';

let llm: FakeLlm;
beforeAll(async () => {
  llm = await startFakeLlm();
});
afterAll(() => llm?.close());

const validate = (context: ValidationTestContext, user: TestUser, termId: string) =>
  context.app.inject({ method: 'POST', url: `/api/terms/${termId}/validate`, headers: user.auth });
const history = (context: ValidationTestContext, user: TestUser, termId: string, query = '') =>
  context.app.inject({ method: 'GET', url: `/api/terms/${termId}/validations${query}`, headers: user.auth });

const CLEAN = 'A domesticated carnivorous mammal descended from the grey wolf and kept as a companion.';

describe('POST /api/terms/:id/validate with an LLM', () => {
  let context: ValidationTestContext;
  let author: TestUser;

  beforeAll(async () => {
    // Not too tight: PGlite runs in this thread and can delay reading an answer under load.
    context = await createValidationContext(llmEnvironment(llm.url, { LLM_TIMEOUT_MS: '1000' }));
    author = await createUser(context);
  });
  afterAll(() => context.close());
  beforeEach(() => llm.reset());

  it('sends the term, definition, domain, neighbours and prompt version, and stores the verdict', async () => {
    const dog = await createTerm(context, author, { term: 'Dog', definition: CLEAN, domain: 'Zoology' });
    const mammal = await createTerm(context, author, {
      term: 'Mammal',
      definition: 'A warm-blooded vertebrate animal whose females feed their young with milk.',
      domain: 'Zoology',
    });
    expect((await relate(context, author, dog.id, mammal.id, 'is_a')).statusCode).toBe(201);
    llm.script(
      verdict([
        {
          type: 'wrong_domain',
          severity: 'warning',
          explanation: 'Domestic animals belong to the domain "Animal husbandry".',
          evidence: 'Zoology',
          suggestion: 'Animal husbandry',
        },
        {
          type: 'ambiguous_definition',
          severity: 'info',
          explanation: 'Name the species.',
          evidence: null,
          suggestion: null,
        },
      ]),
    );

    const response = await validate(context, author, dog.id);
    expect(response.statusCode, response.body).toBe(201);
    const record = response.json();
    expect(record).toMatchObject({
      term_id: dog.id,
      term_version: 1,
      current: true,
      trigger: 'manual',
      requested_by: author.id,
      validators: ['rules', 'llm'],
      model: 'fake-model',
      prompt_version: PROMPT_VERSION,
      status: 'ok',
      error_reason: null,
      error: null,
      llm_attempts: 1,
      usage: {
        prompt_tokens: DEFAULT_USAGE.prompt,
        completion_tokens: DEFAULT_USAGE.completion,
        total_tokens: DEFAULT_USAGE.prompt + DEFAULT_USAGE.completion,
      },
    });
    expect(record.findings).toEqual([
      expect.objectContaining({
        source: 'llm',
        rule: null,
        type: 'wrong_domain',
        severity: 'warning',
        explanation: 'Domestic animals belong to the domain "Animal husbandry".',
        evidence: 'Zoology',
        suggestion: 'Animal husbandry',
        override: null,
      }),
      expect.objectContaining({ source: 'llm', type: 'ambiguous_definition', severity: 'info' }),
    ]);
    expect(record.latency_ms).toBeGreaterThanOrEqual(record.llm_latency_ms);

    expect(llm.requests).toHaveLength(1);
    const sent = llm.requests[0]!;
    expect(sent.headers.authorization).toBe('Bearer test-key');
    expect(sent.body.model).toBe('fake-model');
    expect(sent.body.temperature).toBe(0);
    expect(sent.body.response_format).toMatchObject({
      type: 'json_schema',
      json_schema: { name: 'term_validation', strict: true, schema: { type: 'object' } },
    });
    const prompt = sent.body.messages.map((message) => message.content).join('\n');
    for (const expected of [
      'Dog',
      CLEAN,
      'Zoology',
      'Mammal',
      'A warm-blooded vertebrate animal',
      PROMPT_VERSION,
      'is a kind of',
    ])
      expect(prompt).toContain(expected);

    const listed = await history(context, author, dog.id);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({
      items: [record],
      next_cursor: null,
      pending_job: { term_version: 1, status: 'queued' },
    });
  });

  it('counts requests, semantic errors, tokens and latency with the right labels', async () => {
    const before = {
      requests: await metricValue(context.app, 'llm_requests_total', {
        model: 'fake-model',
        endpoint: 'validate_term',
      }),
      wrongDomain: await metricValue(context.app, 'llm_semantic_errors_total', { type: 'wrong_domain' }),
      circular: await metricValue(context.app, 'llm_semantic_errors_total', { type: 'circular_definition' }),
      info: await metricValue(context.app, 'llm_semantic_errors_total', { type: 'ambiguous_definition' }),
      prompt: await metricValue(context.app, 'llm_tokens_total', { model: 'fake-model', kind: 'prompt' }),
      completion: await metricValue(context.app, 'llm_tokens_total', {
        model: 'fake-model',
        kind: 'completion',
      }),
      latency: await metricValue(
        context.app,
        'llm_response_time_seconds',
        { model: 'fake-model' },
        'llm_response_time_seconds_count',
      ),
      rules: await metricValue(context.app, 'rule_validations_total'),
    };
    const term = await createTerm(context, author, {
      term: 'Cat',
      definition: 'A cat is a small feline.',
      domain: 'Zoology',
    });
    llm.script(
      verdict([
        {
          type: 'circular_definition',
          severity: 'error',
          explanation: 'Uses "cat".',
          evidence: 'cat',
          suggestion: null,
        },
        { type: 'wrong_domain', severity: 'warning', explanation: 'Pets.', evidence: null, suggestion: null },
        {
          type: 'ambiguous_definition',
          severity: 'info',
          explanation: 'Which cat?',
          evidence: null,
          suggestion: null,
        },
      ]),
    );
    expect((await validate(context, author, term.id)).statusCode).toBe(201);

    expect(
      await metricValue(context.app, 'llm_requests_total', {
        model: 'fake-model',
        endpoint: 'validate_term',
      }),
    ).toBe(before.requests + 1);
    expect(await metricValue(context.app, 'llm_semantic_errors_total', { type: 'circular_definition' })).toBe(
      before.circular + 1,
    );
    expect(await metricValue(context.app, 'llm_semantic_errors_total', { type: 'wrong_domain' })).toBe(
      before.wrongDomain + 1,
    );
    // An info-level remark is a suggestion, not a semantic error.
    expect(
      await metricValue(context.app, 'llm_semantic_errors_total', { type: 'ambiguous_definition' }),
    ).toBe(before.info);
    expect(await metricValue(context.app, 'llm_tokens_total', { model: 'fake-model', kind: 'prompt' })).toBe(
      before.prompt + DEFAULT_USAGE.prompt,
    );
    expect(
      await metricValue(context.app, 'llm_tokens_total', { model: 'fake-model', kind: 'completion' }),
    ).toBe(before.completion + DEFAULT_USAGE.completion);
    expect(
      await metricValue(
        context.app,
        'llm_response_time_seconds',
        { model: 'fake-model' },
        'llm_response_time_seconds_count',
      ),
    ).toBe(before.latency + 1);
    expect(await metricValue(context.app, 'rule_validations_total')).toBe(before.rules + 1);
    // The rule validator's own finding (the term in its definition) is counted apart from the LLM's.
    expect(
      await metricValue(context.app, 'rule_findings_total', { type: 'circular_definition' }),
    ).toBeGreaterThanOrEqual(1);
    const exposition = await context.app.metrics.registry.metrics();
    expect(exposition).toContain('llm_requests_total{model="fake-model",endpoint="validate_term"}');
    expect(exposition).toContain('# TYPE llm_response_time_seconds histogram');
  });

  it('retries a 429 and a 500 with backoff, honouring Retry-After, then succeeds', async () => {
    const term = await createTerm(context, author, {
      term: 'Wolf',
      definition: CLEAN.replace('descended from', 'close to'),
      domain: 'Zoology',
    });
    const failures = async () => ({
      rateLimited: await metricValue(context.app, 'llm_failures_total', { reason: 'rate_limited' }),
      serverError: await metricValue(context.app, 'llm_failures_total', { reason: 'server_error' }),
    });
    const before = await failures();
    llm.script(httpStatus(429, { 'retry-after-ms': '200' }), httpStatus(500), verdict());

    const response = await validate(context, author, term.id);
    expect(response.json()).toMatchObject({ status: 'ok', llm_attempts: 3, error: null });
    expect(llm.requests).toHaveLength(3);
    const [first, second, third] = llm.requests.map((request) => request.at);
    expect(second! - first!).toBeGreaterThanOrEqual(190); // Retry-After wins over the 10–20 ms backoff
    expect(third! - second!).toBeGreaterThanOrEqual(15); // second backoff: 20–40 ms
    expect(await failures()).toEqual({
      rateLimited: before.rateLimited + 1,
      serverError: before.serverError + 1,
    });
  });

  it('gives up after LLM_MAX_ATTEMPTS, records why, and keeps the rules’ findings', async () => {
    const term = await createTerm(context, author, {
      term: 'Horse',
      definition: 'A horse is an animal.',
      domain: null,
    });
    llm.script(httpStatus(500), httpStatus(502), httpStatus(503));

    const response = await validate(context, author, term.id);
    expect(response.statusCode).toBe(201);
    const record = response.json();
    expect(record).toMatchObject({
      validators: ['rules', 'llm'],
      status: 'failed',
      error_reason: 'server_error',
      llm_attempts: 3,
      usage: null,
    });
    expect(record.error).toMatch(/HTTP 503.*gave up after 3 attempts/);
    expect(llm.requests).toHaveLength(3);
    expect(
      record.findings
        .map((finding: { source: string; rule: string }) => `${finding.source}:${finding.rule}`)
        .sort(),
    ).toEqual(['rules:circular-term', 'rules:missing-domain']);
  });

  it('does not wait when the server asks for longer than LLM_RETRY_MAX_MS', async () => {
    const term = await createTerm(context, author, {
      term: 'Donkey',
      definition: CLEAN.replace('wolf', 'wild ass'),
      domain: 'Zoology',
    });
    llm.script(httpStatus(429, { 'retry-after': '120' }));
    // Waiting would take two minutes, past the test's timeout: one attempt, given up at once.
    const record = (await validate(context, author, term.id)).json();
    expect(record).toMatchObject({ status: 'failed', error_reason: 'rate_limited', llm_attempts: 1 });
    expect(llm.requests).toHaveLength(1);
  });

  it('cuts a slow answer at LLM_TIMEOUT_MS and retries', async () => {
    const term = await createTerm(context, author, {
      term: 'Goat',
      definition: CLEAN.replace('wolf', 'bezoar ibex'),
      domain: 'Zoology',
    });
    const timeouts = await metricValue(context.app, 'llm_failures_total', { reason: 'timeout' });
    llm.script(slow(5000), verdict());
    // Two attempts and a timeout counted: the first was cut, not waited out (it would have answered).
    const record = (await validate(context, author, term.id)).json();
    expect(record).toMatchObject({ status: 'ok', llm_attempts: 2 });
    expect(await metricValue(context.app, 'llm_failures_total', { reason: 'timeout' })).toBe(timeouts + 1);
    await expect.poll(() => llm.abandoned).toBe(1);
  });

  it.each([
    [
      'malformed',
      content('Sure! {"findings": [{"type": "too_vague",'),
      /not valid JSON/,
      'A ruminant mammal bred for its wool, meat and milk, descended from the mouflon.',
    ],
    [
      'off_schema',
      content(JSON.stringify({ verdict: 'bad', findings: [{ type: 'spelling', severity: 'critical' }] })),
      /does not match the verdict schema/,
      'An even-toed ungulate of the genus Bos, raised on farms for beef and dairy products.',
    ],
  ] as const)(
    'counts and stores a %s answer, without retrying it',
    async (status, reply, message, definition) => {
      const term = await createTerm(context, author, {
        term: `Livestock ${status}`,
        definition,
        domain: 'Zoology',
      });
      const before = await metricValue(context.app, 'llm_failures_total', { reason: status });
      llm.script(reply);
      const response = await validate(context, author, term.id);
      expect(response.statusCode).toBe(201);
      const record = response.json();
      expect(record).toMatchObject({ status, error_reason: status, llm_attempts: 1, findings: [] });
      expect(record.error).toMatch(message);
      // The tokens were spent all the same.
      expect(record.usage.prompt_tokens).toBe(DEFAULT_USAGE.prompt);
      expect(await metricValue(context.app, 'llm_failures_total', { reason: status })).toBe(before + 1);
      expect(llm.requests).toHaveLength(1);
      const [row] = rowsOf<{ raw_output: string }>(
        await context.database.db.execute(
          sql`SELECT raw_output FROM term_validations WHERE id = ${record.id}`,
        ),
      );
      expect(row!.raw_output).toBe(reply.kind === 'content' ? reply.content : null);
    },
  );

  it('lists the history newest first, page by page', async () => {
    const term = await createTerm(context, author, {
      term: 'Ferret',
      definition: CLEAN.replace('grey wolf', 'polecat'),
      domain: 'Zoology',
    });
    for (let i = 0; i < 3; i++) expect((await validate(context, author, term.id)).statusCode).toBe(201);
    const first = (await history(context, author, term.id, '?limit=2')).json();
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).not.toBeNull();
    const second = (await history(context, author, term.id, `?limit=2&cursor=${first.next_cursor}`)).json();
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    const all = [...first.items, ...second.items].map((item: { created_at: string }) => item.created_at);
    expect(all).toEqual([...all].sort().reverse());
    expect(new Set([...first.items, ...second.items].map((item: { id: string }) => item.id)).size).toBe(3);
    const bad = await history(context, author, term.id, '?cursor=not-a-cursor');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('query.cursor');
  });

  it('reports the LLM in GET /api/validation/status', async () => {
    const response = await context.app.inject({
      method: 'GET',
      url: '/api/validation/status',
      headers: author.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      rules: { enabled: true },
      llm: { enabled: true, model: 'fake-model', prompt_version: PROMPT_VERSION, circuit: 'closed' },
      queue: { running: 0 },
    });
    expect(response.json().queue.queued).toBeGreaterThan(0);
  });

  it('lets only the creator or a reviewer validate, and answers 404 for an unknown term', async () => {
    const term = await createTerm(context, author, {
      term: 'Llama',
      definition: CLEAN.replace('grey wolf', 'guanaco'),
      domain: 'Zoology',
    });
    const stranger = await createUser(context);
    const admin = await createUser(context, { role: 'admin' });
    expect((await validate(context, stranger, term.id)).statusCode).toBe(403);
    expect((await validate(context, admin, term.id)).statusCode).toBe(201);
    expect((await history(context, stranger, term.id)).statusCode).toBe(200);
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await validate(context, author, unknown)).statusCode).toBe(404);
    expect((await history(context, author, unknown)).statusCode).toBe(404);
    expect((await validate(context, author, 'not-a-uuid')).statusCode).toBe(400);
    expect(
      (await context.app.inject({ method: 'POST', url: `/api/terms/${term.id}/validate` })).statusCode,
    ).toBe(401);
  });
});

describe('the circuit breaker, through the API', () => {
  let context: ValidationTestContext;
  let author: TestUser;

  beforeAll(async () => {
    llm.reset();
    context = await createValidationContext(
      llmEnvironment(llm.url, {
        LLM_MAX_ATTEMPTS: '1',
        LLM_CIRCUIT_FAILURES: '2',
        LLM_CIRCUIT_COOLDOWN_MS: '30000',
      }),
    );
    author = await createUser(context);
  });
  afterAll(() => context.close());

  const circuit = async () =>
    (await context.app.inject({ method: 'GET', url: '/api/validation/status', headers: author.auth })).json()
      .llm.circuit;

  it('opens after K failures, short-circuits (counted as circuit_open), half-opens after the cool-down', async () => {
    llm.reset();
    const term = await createTerm(context, author, {
      term: 'Parrot',
      definition: CLEAN.replace('mammal descended from the grey wolf', 'bird able to imitate speech'),
      domain: 'Zoology',
    });
    llm.fallback = httpStatus(500);
    for (let i = 0; i < 2; i++)
      expect((await validate(context, author, term.id)).json()).toMatchObject({
        status: 'failed',
        error_reason: 'server_error',
      });
    expect(await circuit()).toBe('open');

    const shortCircuited = (await validate(context, author, term.id)).json();
    expect(shortCircuited).toMatchObject({ status: 'failed', error_reason: 'circuit_open', llm_attempts: 0 });
    expect(shortCircuited.error).toMatch(/circuit breaker open/);
    expect(llm.requests).toHaveLength(2); // no request while open
    expect(await metricValue(context.app, 'llm_failures_total', { reason: 'circuit_open' })).toBe(1);
    expect(await metricValue(context.app, 'llm_requests_total', { endpoint: 'validate_term' })).toBe(2);

    context.clock.advance(30_000);
    expect(await circuit()).toBe('half_open');
    llm.fallback = verdict();
    expect((await validate(context, author, term.id)).json()).toMatchObject({
      status: 'ok',
      llm_attempts: 1,
    });
    expect(await circuit()).toBe('closed');
  });

  it('reopens at once when the trial call fails', async () => {
    llm.reset();
    const term = await createTerm(context, author, {
      term: 'Canary',
      definition: CLEAN.replace('mammal descended from the grey wolf', 'songbird of the finch family'),
      domain: 'Zoology',
    });
    llm.fallback = httpStatus(503);
    await validate(context, author, term.id);
    await validate(context, author, term.id);
    context.clock.advance(30_000);
    expect((await validate(context, author, term.id)).json()).toMatchObject({
      error_reason: 'server_error',
      llm_attempts: 1,
    });
    expect(await circuit()).toBe('open');
    expect((await validate(context, author, term.id)).json()).toMatchObject({ error_reason: 'circuit_open' });
    expect(llm.requests).toHaveLength(3);
  });
});

describe('without an LLM', () => {
  let context: ValidationTestContext;
  let author: TestUser;

  beforeAll(async () => {
    context = await createValidationContext();
    author = await createUser(context);
  });
  afterAll(() => context.close());

  it('runs the rules only, and leaves the llm_* series untouched', async () => {
    const term = await createTerm(context, author, {
      term: 'Hamster',
      definition: 'Small stuff.',
      domain: 'Zoology',
    });
    const response = await validate(context, author, term.id);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      validators: ['rules'],
      model: null,
      prompt_version: null,
      status: 'ok',
      llm_attempts: 0,
      llm_latency_ms: null,
      usage: null,
    });
    expect(
      response
        .json()
        .findings.map((finding: { rule: string }) => finding.rule)
        .sort(),
    ).toEqual(['definition-too-short', 'vague-wording']);
    expect(await metricValue(context.app, 'rule_validations_total')).toBe(1);
    expect(await metricValue(context.app, 'rule_findings_total', { type: 'too_vague' })).toBe(1);
    expect((await context.app.metrics.llm.requests.get()).values).toEqual([]);
    const status = await context.app.inject({
      method: 'GET',
      url: '/api/validation/status',
      headers: author.auth,
    });
    expect(status.json().llm).toMatchObject({ enabled: false, model: null, circuit: 'closed' });
  });

  it('keeps one registry per app', async () => {
    const other = await createValidationContext();
    try {
      expect(other.app.metrics.registry).not.toBe(context.app.metrics.registry);
      expect(await metricValue(other.app, 'rule_validations_total')).toBe(0);
    } finally {
      await other.close();
    }
  });
});
