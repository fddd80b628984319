import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { backoffDelayMs } from '../../src/platform/resilience/backoff.ts';
import { CircuitBreaker } from '../../src/platform/resilience/circuit-breaker.ts';
import { retryAfterMs } from '../../src/validation/llm/openai-client.ts';
import { buildPrompt, PROMPT_VERSION } from '../../src/validation/llm/prompt.ts';
import { parseVerdict, verdictJsonSchema } from '../../src/validation/llm/verdict.ts';
import { ManualClock } from '../support/manual-clock.ts';

describe('the circuit breaker', () => {
  const breaker = (clock: ManualClock) =>
    new CircuitBreaker({ clock, failureThreshold: 3, cooldownMs: 1000 });

  it('opens after K consecutive failures and refuses calls during the cool-down', () => {
    const clock = new ManualClock();
    const circuit = breaker(clock);
    for (let i = 0; i < 2; i++) {
      expect(circuit.tryAcquire()).toBe(true);
      circuit.failure();
    }
    expect(circuit.state).toBe('closed');
    expect(circuit.tryAcquire()).toBe(true);
    circuit.failure();
    expect(circuit.state).toBe('open');
    expect(circuit.tryAcquire()).toBe(false);
    clock.advance(600);
    expect(circuit.remainingCooldownMs).toBe(400);
    expect(circuit.tryAcquire()).toBe(false);
  });

  it('a success resets the count of consecutive failures', () => {
    const circuit = breaker(new ManualClock());
    for (const outcome of ['failure', 'failure', 'success', 'failure', 'failure'] as const) {
      circuit.tryAcquire();
      circuit[outcome]();
    }
    expect(circuit.state).toBe('closed');
  });

  it('half-opens after the cool-down: one trial call; success closes, failure reopens', () => {
    const clock = new ManualClock();
    const circuit = breaker(clock);
    for (let i = 0; i < 3; i++) {
      circuit.tryAcquire();
      circuit.failure();
    }
    clock.advance(1000);
    expect(circuit.state).toBe('half_open');
    expect(circuit.tryAcquire()).toBe(true);
    expect(circuit.tryAcquire()).toBe(false); // only one trial at a time
    circuit.failure();
    expect(circuit.state).toBe('open');
    clock.advance(1000);
    expect(circuit.tryAcquire()).toBe(true);
    circuit.success();
    expect(circuit.state).toBe('closed');
    expect(circuit.tryAcquire()).toBe(true);
  });

  it('a released trial (never sent) lets another one through', () => {
    const clock = new ManualClock();
    const circuit = breaker(clock);
    for (let i = 0; i < 3; i++) {
      circuit.tryAcquire();
      circuit.failure();
    }
    clock.advance(1000);
    expect(circuit.tryAcquire()).toBe(true);
    circuit.release();
    expect(circuit.tryAcquire()).toBe(true);
  });
});

describe('backoff', () => {
  it('doubles from the base, with jitter in the upper half, up to the ceiling', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelayMs(1, { ...options, random: () => 0 })).toBe(50);
    expect(backoffDelayMs(1, { ...options, random: () => 1 })).toBe(100);
    expect(backoffDelayMs(3, { ...options, random: () => 1 })).toBe(400);
    expect(backoffDelayMs(10, { ...options, random: () => 1 })).toBe(1000);
    for (let attempt = 1; attempt < 8; attempt++) {
      const delay = backoffDelayMs(attempt, options);
      expect(delay).toBeGreaterThanOrEqual(Math.min(1000, 100 * 2 ** (attempt - 1)) / 2);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('reads Retry-After in seconds, milliseconds or as a date', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150.5' }))).toBe(151);
    expect(
      retryAfterMs(new Headers({ 'retry-after': new Date(Date.now() + 60_000).toUTCString() })),
    ).toBeGreaterThan(55_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeNull();
    expect(retryAfterMs(new Headers())).toBeNull();
  });
});

describe('the verdict', () => {
  const finding = {
    type: 'wrong_domain',
    severity: 'warning',
    explanation: 'Not AI.',
    evidence: null,
    suggestion: null,
  };

  it('parses a conforming answer, also inside a Markdown code fence', () => {
    expect(parseVerdict(JSON.stringify({ findings: [finding] }))).toEqual({
      kind: 'ok',
      verdict: { findings: [finding] },
    });
    expect(parseVerdict('```json\n{"findings": []}\n```').kind).toBe('ok');
  });

  it.each([
    ['prose around the JSON', 'Here is my verdict: {"findings": []}'],
    ['truncated JSON', '{"findings": [{"type": "too_vague"'],
    ['an empty answer', ''],
    ['no content', null],
  ])('calls %s malformed', (_label, content) => {
    expect(parseVerdict(content).kind).toBe('malformed');
  });

  it.each([
    ['an unknown error type', { findings: [{ ...finding, type: 'spelling' }] }],
    ['an unknown severity', { findings: [{ ...finding, severity: 'critical' }] }],
    ['a missing explanation', { findings: [{ ...finding, explanation: '' }] }],
    ['an extra field', { findings: [], verdict: 'ok' }],
    ['the wrong shape', [finding]],
    ['a mechanical type reserved for the rules', { findings: [{ ...finding, type: 'definition_too_long' }] }],
  ])('calls %s off-schema', (_label, data) => {
    const parsed = parseVerdict(JSON.stringify(data));
    expect(parsed.kind).toBe('off_schema');
  });

  it('is requested with a JSON Schema structured-output servers accept (no length keywords)', () => {
    const text = JSON.stringify(verdictJsonSchema);
    expect(text).not.toMatch(/maxLength|minLength|maxItems|\$schema/);
    expect(verdictJsonSchema).toMatchObject({
      type: 'object',
      required: ['findings'],
      additionalProperties: false,
    });
  });
});

describe('the prompt', () => {
  it('sends the term, its definition, its domain and its neighbours, and names its version', () => {
    const [system, user] = buildPrompt({
      term: { id: 'a', term: 'Chien', definition: 'Mammifère domestique.', domain: 'Zoologie', version: 3 },
      neighbours: [
        {
          relationId: 'r',
          type: 'is_a',
          direction: 'out',
          term: {
            id: 'b',
            term: 'Mammifère',
            definition: 'Vertébré qui allaite ses petits.',
            domain: 'Zoologie',
          },
        },
      ],
      similar: [],
    });
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(/wrong_domain/);
    expect(user!.content).toContain(PROMPT_VERSION);
    const entry = JSON.parse(user!.content.slice(user!.content.indexOf('\n') + 1));
    expect(entry).toMatchObject({
      term: 'Chien',
      definition: 'Mammifère domestique.',
      domain: 'Zoologie',
      neighbours: [
        {
          relation: 'Chien is a kind of Mammifère',
          term: 'Mammifère',
          definition: 'Vertébré qui allaite ses petits.',
        },
      ],
    });
  });
});

describe('LLM configuration', () => {
  const base = { NODE_ENV: 'test', LEXIKON_DATA_DIR: ':memory:', JWT_SECRET: 'x'.repeat(40) };

  it('is off without LLM_BASE_URL (also when set to an empty string)', () => {
    expect(loadConfig(base).llm).toBeNull();
    expect(loadConfig({ ...base, LLM_BASE_URL: '' }).llm).toBeNull();
  });

  it('needs a model with a server, and a server with a model or key', () => {
    expect(() => loadConfig({ ...base, LLM_BASE_URL: 'http://127.0.0.1:11434/v1' })).toThrow(
      /LLM_MODEL: required/,
    );
    expect(() => loadConfig({ ...base, LLM_MODEL: 'llama3.1' })).toThrow(/LLM_BASE_URL: required/);
    expect(() => loadConfig({ ...base, LLM_BASE_URL: 'ollama' })).toThrow(/LLM_BASE_URL: must be an http/);
  });

  it('reads every setting', () => {
    const config = loadConfig({
      ...base,
      LLM_BASE_URL: 'http://127.0.0.1:11434/v1/',
      LLM_MODEL: 'llama3.1',
      LLM_TIMEOUT_MS: '5000',
      LLM_MAX_ATTEMPTS: '4',
      LLM_CIRCUIT_FAILURES: '7',
      LLM_CIRCUIT_COOLDOWN_MS: '9000',
      LLM_STRUCTURED_OUTPUT: 'json_object',
      VALIDATION_WORKER: 'off',
    });
    expect(config.llm).toMatchObject({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: null,
      model: 'llama3.1',
      timeoutMs: 5000,
      maxAttempts: 4,
      circuitFailures: 7,
      circuitCooldownMs: 9000,
      structuredOutput: 'json_object',
    });
    expect(config.validation.worker).toBe(false);
    expect(loadConfig(base).validation.worker).toBe(true);
  });

  it('keeps the "validate now" budget under the request timeout', () => {
    expect(loadConfig(base).validation.syncTimeoutMs).toBe(25_000);
    expect(loadConfig({ ...base, REQUEST_TIMEOUT_MS: '12000' }).validation.syncTimeoutMs).toBe(7000);
    expect(() => loadConfig({ ...base, VALIDATION_SYNC_TIMEOUT_MS: '30000' })).toThrow(
      /VALIDATION_SYNC_TIMEOUT_MS: must be shorter than REQUEST_TIMEOUT_MS/,
    );
  });
});
