import { describe, expect, it } from 'vitest';
import {
  currentFindings,
  findingText,
  groupBySeverity,
  hasLlmVerdict,
  isBlocking,
  llmFailed,
  needsOlderRecords,
  newestFirst,
  openFindingsOf,
  overridesOf,
  severityCounts,
  sortFindings,
} from './findings.ts';
import { finding, llmRecord, override, record } from './testing.ts';

const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('sortFindings', () => {
  it('puts errors first, then warnings, then notes; open before overridden; taxonomy order; rules before LLM', () => {
    const info = finding({ severity: 'info', type: 'missing_domain' });
    const warningLlm = finding({ severity: 'warning', type: 'too_vague', source: 'llm' });
    const warningRules = finding({ severity: 'warning', type: 'too_vague' });
    const warningShort = finding({ severity: 'warning', type: 'definition_too_short' });
    const errorOverridden = finding({ severity: 'error', override: override() });
    const error = finding({ severity: 'error', type: 'incorrect_definition', source: 'llm' });
    expect(sortFindings([info, warningLlm, warningRules, errorOverridden, warningShort, error])).toEqual([
      error,
      errorOverridden,
      warningShort,
      warningRules,
      warningLlm,
      info,
    ]);
  });

  it('keeps the API’s order among equals and does not touch its input', () => {
    const a = finding({ severity: 'warning', type: 'too_vague', rule: 'vague-wording' });
    const b = finding({ severity: 'warning', type: 'too_vague', rule: 'hedging' });
    const input = [a, b];
    expect(sortFindings(input)).toEqual([a, b]);
    expect(sortFindings([b, a])).toEqual([b, a]);
    expect(input).toEqual([a, b]);
  });
});

describe('severityCounts and groupBySeverity', () => {
  const findings = [
    finding({ severity: 'warning' }),
    finding({ severity: 'info' }),
    finding({ severity: 'warning', type: 'too_vague' }),
  ];

  it('counts each severity', () => {
    expect(severityCounts(findings)).toEqual({ error: 0, warning: 2, info: 1 });
    expect(severityCounts([])).toEqual({ error: 0, warning: 0, info: 0 });
  });

  it('groups most serious first and leaves empty groups out', () => {
    const groups = groupBySeverity(findings);
    expect(groups.map((group) => [group.severity, group.findings.length])).toEqual([
      ['warning', 2],
      ['info', 1],
    ]);
    expect(groups[0]!.findings.map((item) => item.type)).toEqual(['circular_definition', 'too_vague']);
    expect(groupBySeverity([])).toEqual([]);
  });
});

describe('isBlocking', () => {
  it('blocks on open errors and warnings only', () => {
    expect(isBlocking(finding({ severity: 'error' }))).toBe(true);
    expect(isBlocking(finding({ severity: 'warning' }))).toBe(true);
    expect(isBlocking(finding({ severity: 'info' }))).toBe(false);
    expect(isBlocking(finding({ severity: 'error', override: override() }))).toBe(false);
  });
});

describe('LLM outcomes', () => {
  it('tells a verdict from a failure and from a rules-only run', () => {
    expect(hasLlmVerdict(llmRecord())).toBe(true);
    expect(hasLlmVerdict(llmRecord({ status: 'failed', error_reason: 'timeout' }))).toBe(false);
    expect(hasLlmVerdict(record())).toBe(false);
    expect(llmFailed(llmRecord({ status: 'malformed' }))).toBe(true);
    expect(llmFailed(llmRecord())).toBe(false);
    expect(llmFailed(record())).toBe(false);
  });
});

describe('currentFindings', () => {
  it('knows a term that was never validated', () => {
    expect(currentFindings([])).toMatchObject({ state: 'never', latest: null, checked: null, findings: [] });
  });

  it('knows when only an earlier text was validated', () => {
    const old = record({ current: false, term_version: 2, findings: [finding()] });
    const result = currentFindings([old]);
    expect(result).toMatchObject({ state: 'outdated', checked: null, findings: [], blocking: [] });
    expect(result.latest).toBe(old);
  });

  it('takes the rules’ findings of the latest run on the current text', () => {
    const circular = finding();
    const latest = record({ created_at: at(5), findings: [circular] });
    const older = record({
      created_at: at(1),
      findings: [finding({ type: 'too_vague', severity: 'warning' })],
    });
    const outdated = record({
      created_at: at(9),
      current: false,
      findings: [finding({ type: 'missing_domain' })],
    });
    const result = currentFindings([outdated, older, latest]);
    expect(result.state).toBe('checked');
    expect(result.latest).toBe(outdated);
    expect(result.checked).toBe(latest);
    expect(result.findings).toEqual([circular]);
    expect(result.blocking).toEqual([circular]);
  });

  it('is empty but checked when the latest run found nothing', () => {
    const result = currentFindings([record({ findings: [] })]);
    expect(result.state).toBe('checked');
    expect(result.findings).toEqual([]);
  });

  it('keeps the LLM’s latest verdict when a later LLM pass failed', () => {
    const llmSays = finding({ source: 'llm', type: 'incorrect_definition', severity: 'error', rule: null });
    const verdict = llmRecord({ created_at: at(1), findings: [finding({ severity: 'warning' }), llmSays] });
    const rulesNow = finding({ type: 'too_vague', severity: 'warning' });
    const failed = llmRecord({
      created_at: at(3),
      status: 'failed',
      error_reason: 'timeout',
      findings: [rulesNow],
    });
    const result = currentFindings([failed, verdict]);
    expect(result.checked).toBe(failed);
    expect(result.llmVerdict).toBe(verdict);
    expect(result.findings).toEqual([llmSays, rulesNow]);
  });

  it('ignores an LLM verdict on an earlier text', () => {
    const old = llmRecord({ created_at: at(1), current: false, findings: [finding({ source: 'llm' })] });
    const now = record({ created_at: at(2), findings: [] });
    const result = currentFindings([now, old]);
    expect(result.llmVerdict).toBeNull();
    expect(result.findings).toEqual([]);
  });

  it('does not count overridden findings as blocking, nor notes', () => {
    const accepted = finding({ override: override() });
    const note = finding({ severity: 'info', type: 'missing_domain' });
    const result = currentFindings([record({ findings: [note, accepted] })]);
    expect(result.findings).toEqual([accepted, note]);
    expect(result.blocking).toEqual([]);
  });
});

describe('newestFirst', () => {
  it('sorts by creation time, newest first', () => {
    const a = record({ created_at: at(1) });
    const b = record({ created_at: at(2) });
    expect(newestFirst([a, b])).toEqual([b, a]);
  });
});

describe('needsOlderRecords', () => {
  it('asks for more when the current text’s LLM verdict may be further back', () => {
    const failed = llmRecord({ status: 'failed', error_reason: 'network' });
    expect(needsOlderRecords([failed], true)).toBe(true);
    expect(needsOlderRecords([failed], false)).toBe(false);
    expect(needsOlderRecords([failed, llmRecord({ created_at: '2025-12-01T00:00:00.000Z' })], true)).toBe(
      false,
    );
    expect(needsOlderRecords([record({ current: false })], true)).toBe(false);
  });
});

describe('overridesOf', () => {
  it('lists each override once with how many findings it accepted, oldest first', () => {
    const first = override({ created_at: '2026-01-01T00:00:00.000Z' });
    const second = override({ created_at: '2026-02-01T00:00:00.000Z' });
    const result = overridesOf({
      findings: [
        finding({ override: second }),
        finding({ override: first }),
        finding(),
        finding({ override: first }),
      ],
    });
    expect(result).toEqual([
      { override: first, findings: 2 },
      { override: second, findings: 1 },
    ]);
    expect(overridesOf({ findings: [finding()] })).toEqual([]);
  });
});

describe('openFindingsOf', () => {
  it('reads the findings of a 422 open-findings problem', () => {
    const listed = finding({ evidence: 'cercle', suggestion: 'Use other words.' });
    const problem = {
      type: '/problems/open-findings',
      status: 422,
      code: 'open-findings',
      findings: [listed],
    };
    expect(openFindingsOf(problem)).toEqual([listed]);
  });

  it('leaves out what is malformed and copes without a list', () => {
    const problem = {
      findings: [
        { id: 'x', type: 'no_such_type', severity: 'error', explanation: 'e' },
        { id: 'y', type: 'too_vague', severity: 'fatal', explanation: 'e' },
        null,
        {
          id: 'z',
          type: 'too_vague',
          severity: 'warning',
          explanation: 'Vague.',
          source: 'llm',
          related_term_ids: [1, 'a'],
        },
      ],
    };
    expect(openFindingsOf(problem)).toEqual([
      {
        id: 'z',
        source: 'llm',
        rule: null,
        type: 'too_vague',
        severity: 'warning',
        explanation: 'Vague.',
        suggestion: null,
        evidence: null,
        related_term_ids: ['a'],
        translations: null,
        override: null,
      },
    ]);
    expect(openFindingsOf({ code: 'open-findings' })).toEqual([]);
    expect(openFindingsOf(null)).toEqual([]);
  });
});

describe('findingText', () => {
  const translated = finding({
    explanation: 'La définition reprend le terme.',
    suggestion: 'Reformulez sans le terme.',
    translations: {
      en: { explanation: 'The definition repeats the term.', suggestion: 'Rephrase without the term.' },
      fr: { explanation: 'La définition reprend le terme.', suggestion: 'Reformulez sans le terme.' },
    },
  });

  it("follows the UI's language when the validator wrote that language too", () => {
    expect(findingText(translated, 'en')).toEqual({
      explanation: 'The definition repeats the term.',
      suggestion: 'Rephrase without the term.',
    });
    expect(findingText(translated, 'fr').explanation).toBe('La définition reprend le terme.');
  });

  it('keeps the text as written when there is no translation (an LLM finding)', () => {
    const llm = finding({ source: 'llm', explanation: 'Trop vague.', suggestion: null, translations: null });
    expect(findingText(llm, 'en')).toEqual({ explanation: 'Trop vague.', suggestion: null });
  });

  it('reads translations from a 422 problem, dropping malformed entries', () => {
    const [read] = openFindingsOf({
      findings: [
        {
          ...translated,
          translations: { en: translated.translations!.en, de: { explanation: 42 } },
        },
      ],
    });
    expect(read!.translations).toEqual({ en: translated.translations!.en });
  });
});
