import { statusTransitions, type TermStatus } from '@lexikon/contracts/vocabulary';

/**
 * Form values (strings) → the bodies the API's zod schemas expect. Validation itself is the schemas'
 * job (`createTermBodySchema`, `updateTermBodySchema`), on both sides; this only shapes the input.
 */

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** POST /api/terms: a blank domain means "no domain"; a missing level or status takes the API's default. */
export function createTermInput(values: Record<string, string | undefined>): Record<string, unknown> {
  const domain = values.domain?.trim() ? values.domain : undefined;
  return {
    term: values.term ?? '',
    definition: values.definition ?? '',
    ...(domain === undefined ? {} : { domain }),
    ...(optional(values.level) === undefined ? {} : { level: values.level }),
    ...(optional(values.status) === undefined ? {} : { status: values.status }),
    ...(values.vocabulary?.trim() ? { vocabulary: values.vocabulary.trim() } : {}),
    ...(values.notation?.trim() ? { notation: values.notation.trim() } : {}),
  };
}

/**
 * PATCH /api/terms/{id}: every text field is sent (the form is the whole term), a blank domain clears it,
 * and the status only when the user changed it — so overwriting after a conflict does not drag the
 * status back to what it was when the form was opened.
 */
export function updateTermInput(values: Record<string, string | undefined>): Record<string, unknown> {
  const version = Number(values.version);
  const statusChanged = optional(values.status) !== undefined && values.status !== values.original_status;
  return {
    term: values.term ?? '',
    definition: values.definition ?? '',
    domain: values.domain?.trim() ? values.domain : null,
    ...(optional(values.level) === undefined ? {} : { level: values.level }),
    ...(statusChanged ? { status: values.status } : {}),
    version: Number.isInteger(version) && version > 0 ? version : values.version,
  };
}

/**
 * The statuses a term may move to, the current one first (meaning "unchanged"). Validating is for
 * reviewers (administrators) only, so the option is not offered to others.
 */
export function statusChoices(current: TermStatus, role: 'user' | 'admin' | undefined): TermStatus[] {
  const next = statusTransitions[current].filter((status) => status !== 'validated' || role === 'admin');
  return [current, ...next];
}

/**
 * Whether to offer editing: the API's own answer for this term (its vocabulary's roles decide), or — for
 * a term read without it — its author or an administrator. The API refuses what is not allowed anyway.
 */
export function canEditTerm(
  term: { created_by: string | null; permissions?: { edit: boolean } },
  session: { userId: string; role: 'user' | 'admin' } | null,
): boolean {
  if (!session) return false;
  if (term.permissions) return term.permissions.edit;
  return session.role === 'admin' || term.created_by === session.userId;
}

/** The start of a definition for the list, cut at a word boundary. */
export function excerpt(text: string, max = 220): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}

/** Which message variant a count takes: `one` or `other` (French counts 0 as singular, English does not). */
export function pluralForm(count: number, locale: string): 'one' | 'other' {
  return new Intl.PluralRules(locale).select(count) === 'one' ? 'one' : 'other';
}
