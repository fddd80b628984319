import type { Problem } from '@lexikon/contracts/problem';
import { termStatuses, type TermStatus } from '@lexikon/contracts/vocabulary';
import { problemMessage } from '#lib/forms.ts';
import { translate, type Locale } from '#lib/i18n/messages.ts';

/** One step of a cycle the API refused (`relation-cycle` carries the whole loop). */
export interface CycleStep {
  id: string;
  term: string;
}

export function cyclePath(problem: Problem): CycleStep[] {
  const path = (problem as { path?: unknown }).path;
  if (!Array.isArray(path)) return [];
  return path.flatMap((step: unknown) =>
    step && typeof step === 'object' && typeof (step as CycleStep).id === 'string'
      ? [{ id: (step as CycleStep).id, term: String((step as CycleStep).term ?? (step as CycleStep).id) }]
      : [],
  );
}

export function allowedStatuses(problem: Problem): TermStatus[] {
  const allowed = (problem as { allowed?: unknown }).allowed;
  return Array.isArray(allowed)
    ? allowed.filter((status): status is TermStatus => (termStatuses as readonly unknown[]).includes(status))
    : [];
}

/**
 * Problems of the term and relation routes as sentences in the reader's language, with the details the
 * API sends along (the allowed statuses, the cycle's path); other problems as `problemMessage` says.
 */
export function termProblemMessage(problem: Problem, locale: Locale): string {
  switch (problem.code) {
    case 'invalid-status-transition':
      return translate(locale, 'problem.invalid-status-transition', {
        allowed: allowedStatuses(problem)
          .map((status) => translate(locale, `terms.status.${status}`))
          .join(', '),
      });
    case 'relation-cycle':
      return translate(locale, 'problem.relation-cycle', {
        path: cyclePath(problem)
          .map((step) => step.term)
          .join(' → '),
      });
    case 'validation-failed':
      return translate(locale, 'error.fieldsInvalid');
    default:
      return problemMessage(problem, locale);
  }
}
