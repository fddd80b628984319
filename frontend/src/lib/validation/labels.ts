import { translate, type Locale, type MessageKey } from '#lib/i18n/messages.ts';
import type { SeverityCounts } from './findings.ts';
import type { ValidationRecord } from './types.ts';
import {
  SHORT_DEFINITION_MAX_LENGTH,
  severities,
  type FindingSeverity,
  type LlmFailureReason,
  type SemanticErrorType,
  type ValidationStatus,
} from './vocabulary.ts';

/** Words for the validation vocabularies, in the reader's language. */

export function typeLabel(type: SemanticErrorType, locale: Locale): string {
  return translate(locale, `quality.type.${type}`);
}

/** One line on what an error type means (the contracts' `semanticErrorDescriptions`, translated). */
export function typeHelp(type: SemanticErrorType, locale: Locale): string {
  return translate(locale, `quality.typeHelp.${type}`, { max: SHORT_DEFINITION_MAX_LENGTH });
}

export function severityLabel(severity: FindingSeverity, locale: Locale): string {
  return translate(locale, `quality.severity.${severity}`);
}

export function statusLabel(status: ValidationStatus, locale: Locale): string {
  return translate(locale, `quality.status.${status}`);
}

export function reasonLabel(reason: LlmFailureReason | null, locale: Locale): string {
  return reason ? translate(locale, `quality.reason.${reason}`) : translate(locale, 'quality.status.failed');
}

function plural(locale: Locale, n: number): 'one' | 'other' {
  return new Intl.PluralRules(locale).select(n) === 'one' ? 'one' : 'other';
}

/** "2 erreurs, 1 avertissement" / "no finding": the non-zero counts, most serious first. */
export function countsSummary(counts: SeverityCounts, locale: Locale): string {
  const parts = severities
    .filter((severity) => counts[severity] > 0)
    .map((severity) =>
      translate(locale, `quality.count.${severity}.${plural(locale, counts[severity])}`, {
        n: counts[severity].toLocaleString(locale),
      }),
    );
  return parts.length > 0 ? parts.join(', ') : translate(locale, 'quality.summary.none');
}

/** A message with `.one` / `.other` forms, picked by the language's plural rules and given `{n}`. */
export function countMessage(
  key:
    | 'quality.blocking'
    | 'quality.accepted'
    | 'quality.history.shown'
    | 'quality.history.attempts'
    | 'quality.gate.body',
  n: number,
  locale: Locale,
): string {
  return translate(locale, `${key}.${plural(locale, n)}` as MessageKey, { n: n.toLocaleString(locale) });
}

/** "the rules" / "the rules and the LLM gpt-4o-mini": what judged a record's text. */
export function validatorsPhrase(
  record: Pick<ValidationRecord, 'validators' | 'model'>,
  locale: Locale,
): string {
  return record.validators.includes('llm')
    ? translate(locale, 'quality.validators.rulesLlm', { model: record.model ?? 'LLM' })
    : translate(locale, 'quality.validators.rules');
}

/**
 * Who did something, as far as the web app can tell: the API gives a user id and no name, so it is "you"
 * or a reviewer known by the start of their id.
 */
export function whoLabel(
  userId: string | null,
  sessionUserId: string | null | undefined,
  locale: Locale,
): string {
  if (userId === null) return translate(locale, 'quality.who.unknown');
  if (userId === sessionUserId) return translate(locale, 'quality.who.you');
  return translate(locale, 'quality.who.reviewer', { id: userId.slice(0, 8) });
}

/** A date and time; `seconds` for lists of events that may fall within one minute (the history). */
export function formatDate(iso: string, locale: Locale, options: { seconds?: boolean } = {}): string {
  return new Date(iso).toLocaleString(locale, {
    dateStyle: 'long',
    timeStyle: options.seconds ? 'medium' : 'short',
  });
}

export function formatNumber(n: number, locale: Locale): string {
  return n.toLocaleString(locale);
}

/** "1 234 ms" or "1 234 ms, LLM 1 100 ms (2 attempts)". */
export function latencyText(
  record: Pick<ValidationRecord, 'latency_ms' | 'llm_latency_ms' | 'llm_attempts'>,
  locale: Locale,
): string {
  const ms = formatNumber(record.latency_ms, locale);
  if (record.llm_latency_ms === null) return translate(locale, 'quality.history.latencyValue', { ms });
  return translate(locale, 'quality.history.latencyLlm', {
    ms,
    llm: formatNumber(record.llm_latency_ms, locale),
    attempts: countMessage('quality.history.attempts', record.llm_attempts, locale),
  });
}

export function tokensText(usage: NonNullable<ValidationRecord['usage']>, locale: Locale): string {
  return translate(locale, 'quality.history.tokensValue', {
    total: formatNumber(usage.total_tokens, locale),
    prompt: formatNumber(usage.prompt_tokens, locale),
    completion: formatNumber(usage.completion_tokens, locale),
  });
}
