import type { Finding, FindingOverride, ValidationRecord } from './types.ts';
import { blockingSeverities, findingTypes, severities, type FindingSeverity } from './vocabulary.ts';

/**
 * A term's findings as the API's `validated` gate sees them (ADR-0004): for the term's current text, the
 * rules' findings of the latest run, and the LLM's from its latest usable verdict (so a later LLM outage
 * does not wipe out what the model said). Errors and warnings not yet overridden are open.
 */

const byCreation = (a: ValidationRecord, b: ValidationRecord) =>
  b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);

/** Newest first, whatever order they came in (the API already sends them so). */
export function newestFirst(records: readonly ValidationRecord[]): ValidationRecord[] {
  return [...records].sort(byCreation);
}

export function isBlocking(finding: Pick<Finding, 'severity' | 'override'>): boolean {
  return blockingSeverities.includes(finding.severity) && finding.override === null;
}

/** A usable LLM verdict: the LLM ran and its answer was read (not a failure, an unreadable answer…). */
export function hasLlmVerdict(record: ValidationRecord): boolean {
  return record.validators.includes('llm') && record.status === 'ok';
}

/** The LLM was asked but gave no verdict. */
export function llmFailed(record: ValidationRecord): boolean {
  return record.validators.includes('llm') && record.status !== 'ok';
}

/**
 * Most serious first; open before overridden; then in the taxonomy's order, rules before LLM. Stable, so
 * findings of one rule keep the API's order.
 */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const severityRank = (finding: Finding) => severities.indexOf(finding.severity);
  const typeRank = (finding: Finding) => findingTypes.indexOf(finding.type);
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) =>
        severityRank(a.finding) - severityRank(b.finding) ||
        Number(a.finding.override !== null) - Number(b.finding.override !== null) ||
        typeRank(a.finding) - typeRank(b.finding) ||
        Number(a.finding.source === 'llm') - Number(b.finding.source === 'llm') ||
        a.index - b.index,
    )
    .map(({ finding }) => finding);
}

export type SeverityCounts = Record<FindingSeverity, number>;

export function severityCounts(findings: readonly Pick<Finding, 'severity'>[]): SeverityCounts {
  const counts: SeverityCounts = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

export interface SeverityGroup {
  severity: FindingSeverity;
  findings: Finding[];
}

/** Findings by severity, most serious first, empty groups left out; each group sorted. */
export function groupBySeverity(findings: readonly Finding[]): SeverityGroup[] {
  const sorted = sortFindings(findings);
  return severities
    .map((severity) => ({ severity, findings: sorted.filter((finding) => finding.severity === severity) }))
    .filter((group) => group.findings.length > 0);
}

export interface CurrentFindings {
  /**
   * `never`: no validation at all; `outdated`: only validations of an earlier text; `checked`: the
   * current text was validated (`checked` is its latest run).
   */
  state: 'never' | 'outdated' | 'checked';
  /** The newest record, whatever text it judged. */
  latest: ValidationRecord | null;
  /** The latest run on the current text. */
  checked: ValidationRecord | null;
  /** The latest usable LLM verdict on the current text, when there is one. */
  llmVerdict: ValidationRecord | null;
  /** The current findings, sorted. */
  findings: Finding[];
  /** The open ones: errors and warnings not overridden. */
  blocking: Finding[];
}

export function currentFindings(records: readonly ValidationRecord[]): CurrentFindings {
  const sorted = newestFirst(records);
  const latest = sorted[0] ?? null;
  const current = sorted.filter((record) => record.current);
  const checked = current[0] ?? null;
  if (!checked)
    return {
      state: latest ? 'outdated' : 'never',
      latest,
      checked,
      llmVerdict: null,
      findings: [],
      blocking: [],
    };
  const llmVerdict = current.find(hasLlmVerdict) ?? null;
  const findings = sortFindings([
    ...checked.findings.filter((finding) => finding.source === 'rules'),
    ...(llmVerdict?.findings.filter((finding) => finding.source === 'llm') ?? []),
  ]);
  return { state: 'checked', latest, checked, llmVerdict, findings, blocking: findings.filter(isBlocking) };
}

/**
 * Whether older records than those loaded could hold the LLM verdict the current findings need: the
 * current text was checked, no usable LLM verdict on it is among the loaded records, and there are more.
 */
export function needsOlderRecords(records: readonly ValidationRecord[], hasMore: boolean): boolean {
  if (!hasMore) return false;
  const current = currentFindings(records);
  return current.state === 'checked' && current.llmVerdict === null;
}

export interface RecordedOverride {
  override: FindingOverride;
  /** How many of this record's findings it accepted. */
  findings: number;
}

/** The overrides that accepted some of a record's findings, oldest first, each once. */
export function overridesOf(record: Pick<ValidationRecord, 'findings'>): RecordedOverride[] {
  const byId = new Map<string, RecordedOverride>();
  for (const finding of record.findings) {
    if (!finding.override) continue;
    const seen = byId.get(finding.override.id);
    if (seen) seen.findings += 1;
    else byId.set(finding.override.id, { override: finding.override, findings: 1 });
  }
  return [...byId.values()].sort((a, b) => a.override.created_at.localeCompare(b.override.created_at));
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

function translationsOf(value: unknown): Finding['translations'] {
  if (!isObject(value)) return null;
  const read: NonNullable<Finding['translations']> = {};
  for (const [language, entry] of Object.entries(value))
    if (isObject(entry) && typeof entry.explanation === 'string')
      read[language] = {
        explanation: entry.explanation,
        suggestion: typeof entry.suggestion === 'string' ? entry.suggestion : null,
      };
  return Object.keys(read).length > 0 ? read : null;
}

/**
 * What a finding says, in the UI's language when the validator wrote it in that language too (the rules
 * do); otherwise as written (an LLM answers in the language of the definition).
 */
export function findingText(
  finding: Pick<Finding, 'explanation' | 'suggestion' | 'translations'>,
  locale: string,
): { explanation: string; suggestion: string | null } {
  return (
    finding.translations?.[locale] ?? { explanation: finding.explanation, suggestion: finding.suggestion }
  );
}

/**
 * The findings a 422 `open-findings` problem lists, the malformed ones left out (the problem is read
 * leniently: a message without the list is better than an error page).
 */
export function openFindingsOf(problem: unknown): Finding[] {
  if (!isObject(problem) || !Array.isArray(problem.findings)) return [];
  return problem.findings.flatMap((item: unknown): Finding[] => {
    if (
      !isObject(item) ||
      typeof item.id !== 'string' ||
      !(findingTypes as readonly unknown[]).includes(item.type) ||
      !(severities as readonly unknown[]).includes(item.severity) ||
      typeof item.explanation !== 'string'
    )
      return [];
    const text = (value: unknown) => (typeof value === 'string' ? value : null);
    return [
      {
        id: item.id,
        source: item.source === 'llm' ? 'llm' : 'rules',
        rule: text(item.rule),
        type: item.type as Finding['type'],
        severity: item.severity as Finding['severity'],
        explanation: item.explanation,
        suggestion: text(item.suggestion),
        evidence: text(item.evidence),
        related_term_ids: Array.isArray(item.related_term_ids)
          ? item.related_term_ids.filter((id): id is string => typeof id === 'string')
          : [],
        translations: translationsOf(item.translations),
        override: null,
      },
    ];
  });
}
