import type { operations } from '#lib/api/schema.ts';
import { DOMAIN_MAX_LENGTH } from '@lexikon/contracts/limits';
import type { TermSort } from '@lexikon/contracts/terms';
import { termLevels, termStatuses, type TermLevel, type TermStatus } from '@lexikon/contracts/vocabulary';

/**
 * The list page's state lives in its URL (a GET form), so a search can be bookmarked, shared and paged
 * without JavaScript. These helpers read it leniently (a bad value is dropped, never an error page) and
 * write it back in one canonical order.
 */

// Kept here rather than imported: the contracts' `termSorts` lives next to zod, which the list page must not ship.
export const termSortOptions = ['relevance', 'recent', 'term'] as const satisfies readonly TermSort[];
export const pageSizes = [20, 50, 100] as const;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_QUERY_LENGTH = 200;
const MAX_CURSOR_LENGTH = 512;

export interface TermFilters {
  /** A vocabulary's slug. */
  vocabulary?: string;
  q?: string;
  domain?: string;
  level?: TermLevel;
  status?: TermStatus;
  /** Only the signed-in user's terms. */
  mine?: boolean;
  sort?: TermSort;
  limit?: number;
  /** The content language labels are shown in (a vocabulary's), apart from the interface language. */
  lang?: string;
}

function oneOf<T extends string>(values: readonly T[], value: string | null): T | undefined {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : undefined;
}

function text(value: string | null, max: number): string | undefined {
  const trimmed = value?.replace(/\s+/g, ' ').trim();
  return trimmed ? trimmed.slice(0, max) : undefined;
}

export function parseTermFilters(params: URLSearchParams): TermFilters {
  const filters: TermFilters = {};
  const vocabulary = params.get('vocabulary')?.trim();
  // The contracts' slug rule, repeated here to keep zod off the list page.
  if (vocabulary && /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/.test(vocabulary))
    filters.vocabulary = vocabulary;
  const q = text(params.get('q'), MAX_QUERY_LENGTH);
  if (q) filters.q = q;
  const domain = text(params.get('domain'), DOMAIN_MAX_LENGTH);
  if (domain) filters.domain = domain;
  const level = oneOf(termLevels, params.get('level'));
  if (level) filters.level = level;
  const status = oneOf(termStatuses, params.get('status'));
  if (status) filters.status = status;
  const mine = params.get('mine');
  if (mine === '1' || mine === 'on' || mine === 'true') filters.mine = true;
  const sort = oneOf(termSortOptions, params.get('sort'));
  // Relevance needs words to rank by; without them the API would refuse the query.
  if (sort && (sort !== 'relevance' || q)) filters.sort = sort;
  const lang = params.get('lang')?.trim();
  if (lang && /^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(lang)) filters.lang = lang;
  const limit = Number(params.get('limit'));
  if (Number.isInteger(limit) && limit >= 1 && limit <= 100 && limit !== DEFAULT_PAGE_SIZE)
    filters.limit = limit;
  return filters;
}

/** The search form's fields as filters (the same leniency as the URL: blanks and unknowns dropped). */
export function filtersFromForm(data: FormData): TermFilters {
  const params = new URLSearchParams();
  for (const [key, value] of data) if (typeof value === 'string') params.set(key, value);
  return parseTermFilters(params);
}

export function parseCursor(params: URLSearchParams): string | undefined {
  const cursor = params.get('cursor')?.trim();
  return cursor && cursor.length <= MAX_CURSOR_LENGTH ? cursor : undefined;
}

/** Filters that narrow the list (sort order and page size do not). */
export function hasActiveFilters(filters: TermFilters): boolean {
  return Boolean(
    filters.vocabulary || filters.q || filters.domain || filters.level || filters.status || filters.mine,
  );
}

/** `/terms?…` for these filters, optionally at a page given by its cursor. */
export function termsHref(filters: TermFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.vocabulary) params.set('vocabulary', filters.vocabulary);
  if (filters.q) params.set('q', filters.q);
  if (filters.domain) params.set('domain', filters.domain);
  if (filters.level) params.set('level', filters.level);
  if (filters.status) params.set('status', filters.status);
  if (filters.mine) params.set('mine', '1');
  if (filters.sort) params.set('sort', filters.sort);
  if (filters.limit && filters.limit !== DEFAULT_PAGE_SIZE) params.set('limit', String(filters.limit));
  if (filters.lang) params.set('lang', filters.lang);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return query ? `/terms?${query}` : '/terms';
}

/** The query of GET /api/terms, as the API's OpenAPI document defines it. */
export type ListTermsApiQuery = NonNullable<operations['listTerms']['parameters']['query']>;

/** The query of GET /api/terms for these filters; `mine` needs the signed-in user's id. */
export function listQuery(
  filters: TermFilters,
  cursor: string | undefined,
  userId: string | null,
): ListTermsApiQuery {
  return {
    limit: filters.limit ?? DEFAULT_PAGE_SIZE,
    // The list says how many terms match in all, not only on this page.
    with_total: 'true',
    ...(cursor ? { cursor } : {}),
    ...(filters.vocabulary ? { vocabulary: filters.vocabulary } : {}),
    ...(filters.q ? { q: filters.q } : {}),
    ...(filters.domain ? { domain: filters.domain } : {}),
    ...(filters.level ? { level: filters.level } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.mine && userId ? { created_by: userId } : {}),
    ...(filters.sort ? { sort: filters.sort } : {}),
  };
}

/**
 * The domain filter's choices: any domain, then each domain in use with its number of terms. A domain in
 * the URL that no term has (any more) stays selectable, so the filter shows what the list was asked for.
 */
export function domainFilterOptions(
  domains: readonly { domain: string; terms: number }[],
  current: string | undefined,
  anyLabel: string,
  countLabel: (n: number) => string,
): { value: string; label: string; selected: boolean }[] {
  const fold = (value: string) => value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().trim();
  const wanted = current === undefined ? undefined : fold(current);
  const options = domains.map((item) => ({
    value: item.domain,
    label: `${item.domain} (${countLabel(item.terms)})`,
    selected: wanted !== undefined && fold(item.domain) === wanted,
  }));
  if (current !== undefined && !options.some((option) => option.selected))
    options.unshift({ value: current, label: `${current} (${countLabel(0)})`, selected: true });
  return [{ value: '', label: anyLabel, selected: current === undefined }, ...options];
}
