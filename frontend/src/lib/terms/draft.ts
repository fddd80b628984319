import { DEFINITION_MAX_LENGTH, DOMAIN_MAX_LENGTH, TERM_MAX_LENGTH } from '@lexikon/contracts/limits';
import { termLevels, type TermLevel } from '@lexikon/contracts/vocabulary';

/**
 * The new-term form's draft, kept in localStorage while the user types so that an expired session, a
 * closed tab or a crash loses nothing. A draft is the user's own prose, not a secret: tokens never go to
 * storage (they live in HttpOnly cookies).
 */
export const NEW_TERM_DRAFT_KEY = 'lexikon:draft:new-term';
const DRAFT_VERSION = 1;

export interface TermDraft {
  term: string;
  definition: string;
  domain: string;
  level: TermLevel;
  status: 'draft' | 'proposed';
  /** The vocabulary's slug; empty for the default one. */
  vocabulary: string;
  notation: string;
}

export const emptyDraft: TermDraft = {
  term: '',
  definition: '',
  domain: '',
  level: 'beginner',
  status: 'draft',
  vocabulary: '',
  notation: '',
};

/** Nothing worth restoring: the text fields are blank (a level or status alone is not a draft). */
export function isBlankDraft(draft: TermDraft): boolean {
  return !draft.term.trim() && !draft.definition.trim() && !draft.domain.trim();
}

export function serializeDraft(draft: TermDraft, savedAt = new Date()): string {
  return JSON.stringify({ v: DRAFT_VERSION, savedAt: savedAt.toISOString(), ...draft });
}

function field(value: unknown, max: number): string {
  // A little slack over the limit: the form shows the length error rather than losing the text.
  return typeof value === 'string' ? value.slice(0, max * 2) : '';
}

/** A stored draft, or null when there is none or it is unreadable (never throws). */
export function parseDraft(raw: string | null | undefined): TermDraft | null {
  if (!raw) return null;
  let stored: unknown;
  try {
    stored = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!stored || typeof stored !== 'object' || (stored as { v?: unknown }).v !== DRAFT_VERSION) return null;
  const value = stored as Record<string, unknown>;
  const draft: TermDraft = {
    term: field(value.term, TERM_MAX_LENGTH),
    definition: field(value.definition, DEFINITION_MAX_LENGTH),
    domain: field(value.domain, DOMAIN_MAX_LENGTH),
    level: (termLevels as readonly unknown[]).includes(value.level) ? (value.level as TermLevel) : 'beginner',
    status: value.status === 'proposed' ? 'proposed' : 'draft',
    // Drafts kept before vocabularies existed have neither: the default vocabulary, a generated notation.
    vocabulary: field(value.vocabulary, 64),
    notation: field(value.notation, 64),
  };
  return isBlankDraft(draft) ? null : draft;
}

type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** Storage may be missing or refuse writes (private mode, quota): drafts are a convenience, never an error. */
export function readDraft(storage: DraftStorage | undefined, key = NEW_TERM_DRAFT_KEY): TermDraft | null {
  try {
    return parseDraft(storage?.getItem(key));
  } catch {
    return null;
  }
}

export function writeDraft(
  storage: DraftStorage | undefined,
  draft: TermDraft,
  key = NEW_TERM_DRAFT_KEY,
): void {
  try {
    if (isBlankDraft(draft)) storage?.removeItem(key);
    else storage?.setItem(key, serializeDraft(draft));
  } catch {
    // Quota exceeded or storage disabled: keep going without a draft.
  }
}

export function clearDraft(storage: DraftStorage | undefined, key = NEW_TERM_DRAFT_KEY): void {
  try {
    storage?.removeItem(key);
  } catch {
    // Nothing to do.
  }
}

/** The form's fields as a draft (unknown level or status fall back to the defaults). */
export function draftFromForm(values: Record<string, string | undefined>): TermDraft {
  return {
    term: values.term ?? '',
    definition: values.definition ?? '',
    domain: values.domain ?? '',
    level: (termLevels as readonly string[]).includes(values.level ?? '')
      ? (values.level as TermLevel)
      : 'beginner',
    status: values.status === 'proposed' ? 'proposed' : 'draft',
    vocabulary: values.vocabulary ?? '',
    notation: values.notation ?? '',
  };
}
