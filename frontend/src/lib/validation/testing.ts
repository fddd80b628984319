/** Builders of validation payloads for the unit tests (shaped like the API's). */
import type { Finding, FindingOverride, ValidationRecord } from './types.ts';

let next = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;

export function finding(extra: Partial<Finding> = {}): Finding {
  return {
    id: uuid(),
    source: 'rules',
    rule: 'circular-term',
    type: 'circular_definition',
    severity: 'error',
    explanation: 'The definition uses the term itself.',
    suggestion: null,
    evidence: null,
    related_term_ids: [],
    translations: null,
    override: null,
    ...extra,
  };
}

export function override(extra: Partial<FindingOverride> = {}): FindingOverride {
  return {
    id: uuid(),
    reason: 'Accepted by the reviewer on purpose.',
    overridden_by: '11111111-1111-4111-8111-111111111111',
    term_version: 4,
    created_at: '2026-01-02T10:00:00.000Z',
    ...extra,
  };
}

export function record(extra: Partial<ValidationRecord> = {}): ValidationRecord {
  return {
    id: uuid(),
    term_id: '22222222-2222-4222-8222-222222222222',
    term_version: 1,
    current: true,
    trigger: 'manual',
    requested_by: null,
    validators: ['rules'],
    model: null,
    prompt_version: null,
    status: 'ok',
    error_reason: null,
    error: null,
    findings: [],
    latency_ms: 12,
    llm_latency_ms: null,
    llm_attempts: 0,
    usage: null,
    created_at: '2026-01-01T10:00:00.000Z',
    ...extra,
  };
}

/** An LLM run: rules and LLM, with a verdict unless told otherwise. */
export function llmRecord(extra: Partial<ValidationRecord> = {}): ValidationRecord {
  return record({
    validators: ['rules', 'llm'],
    model: 'gpt-4o-mini',
    prompt_version: 'v3',
    llm_latency_ms: 900,
    llm_attempts: 1,
    usage: { prompt_tokens: 800, completion_tokens: 120, total_tokens: 920 },
    ...extra,
  });
}
