import { translate, type Locale } from '#lib/i18n/messages.ts';
import { call, type ApiClient } from '#lib/server/api.ts';
import { isUuid, type TermRef } from './relations.ts';

export type Resolved = { id: string } | { message: string; candidates?: TermRef[] };

function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * The term a picker names: the id its script filled in, else — without JavaScript — an id pasted in the
 * text, else the one term whose name is exactly what was typed; several or none come back as a message
 * (with candidates to choose from). API failures are the caller's to report.
 */
export async function resolvePickedTerm(
  api: ApiClient,
  picked: { id?: string | undefined; choice?: string | undefined; typed?: string | undefined },
  exclude: string,
  locale: Locale,
): Promise<Resolved | null> {
  const typed = picked.typed?.trim() ?? '';
  const id = [picked.id, picked.choice, typed].find(isUuid)?.trim();
  if (id) return { id };
  if (!typed) return null;
  const page = await call(api.GET('/api/terms', { params: { query: { q: typed, limit: 9 } } }));
  const candidates = page.items
    .filter((term) => term.id !== exclude)
    .slice(0, 8)
    .map((term) => ({ id: term.id, term: term.term, domain: term.domain }));
  const exact = candidates.filter((term) => fold(term.term) === fold(typed));
  if (exact.length === 1) return { id: exact[0]!.id };
  if (candidates.length === 0)
    return { message: translate(locale, 'terms.relations.add.noMatch', { q: typed }) };
  return {
    message: translate(locale, 'terms.relations.add.choose'),
    candidates: exact.length > 1 ? exact : candidates,
  };
}
