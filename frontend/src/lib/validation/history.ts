import { currentFindings, needsOlderRecords, type CurrentFindings } from './findings.ts';
import type { ValidationJob, ValidationPage, ValidationRecord } from './types.ts';

/**
 * The validation history on the term page grows by "show older": the URL says how many records to show
 * (`?history=20`), so the page works without JavaScript, can be reloaded and shared, and the server
 * follows the API's cursors to gather them.
 */
export const HISTORY_PAGE_SIZE = 10;
export const HISTORY_MAX = 500;
/** The API's largest page. */
const API_PAGE_MAX = 100;
export const HISTORY_PARAM = 'history';
export const HISTORY_ANCHOR = 'validation-history';

/** How many records to show: a multiple of the page size, the default when absent or absurd. */
export function parseHistoryCount(value: string | null | undefined): number {
  if (!value || !/^\d{1,4}$/.test(value)) return HISTORY_PAGE_SIZE;
  const count = Number(value);
  if (count < HISTORY_PAGE_SIZE) return HISTORY_PAGE_SIZE;
  return Math.min(HISTORY_MAX, Math.ceil(count / HISTORY_PAGE_SIZE) * HISTORY_PAGE_SIZE);
}

/** The term page's URL showing `count` records, its other parameters (graph depth…) kept. */
export function historyHref(url: Pick<URL, 'pathname' | 'search'>, count: number): string {
  const params = new URLSearchParams(url.search);
  params.delete(HISTORY_PARAM);
  if (count > HISTORY_PAGE_SIZE) params.set(HISTORY_PARAM, String(Math.min(count, HISTORY_MAX)));
  const query = params.toString();
  return `${url.pathname}${query ? `?${query}` : ''}#${HISTORY_ANCHOR}`;
}

export interface LoadedHistory {
  records: ValidationRecord[];
  /** Older records exist beyond those loaded. */
  hasMore: boolean;
  pendingJob: ValidationJob | null;
}

export type FetchValidationPage = (query: { limit: number; cursor?: string }) => Promise<ValidationPage>;

/** The newest `count` records, following the API's cursors (at most 100 per request). */
export async function loadHistory(fetchPage: FetchValidationPage, count: number): Promise<LoadedHistory> {
  const records: ValidationRecord[] = [];
  let cursor: string | undefined;
  let pendingJob: ValidationJob | null = null;
  let first = true;
  for (;;) {
    const limit = Math.min(API_PAGE_MAX, count - records.length);
    const page = await fetchPage(cursor === undefined ? { limit } : { limit, cursor });
    if (first) pendingJob = page.pending_job;
    first = false;
    records.push(...page.items);
    const next = page.next_cursor;
    if (next === null || page.items.length === 0) return { records, hasMore: false, pendingJob };
    if (records.length >= count) return { records, hasMore: true, pendingJob };
    cursor = next;
  }
}

export interface LoadedValidation extends LoadedHistory {
  /** How many records were asked for (the `history` parameter). */
  count: number;
  /** The term's current findings, from the newest records. */
  current: CurrentFindings;
}

/**
 * The history to show and the current findings. These usually come from the same records; when the LLM's
 * latest verdict on the current text is older than the records shown, up to 100 records are read to find
 * it, as the API's gate would.
 */
export async function loadValidation(
  fetchPage: FetchValidationPage,
  count: number,
): Promise<LoadedValidation> {
  const shown = await loadHistory(fetchPage, count);
  const wider = Math.max(count, API_PAGE_MAX);
  const forFindings =
    needsOlderRecords(shown.records, shown.hasMore) && wider > shown.records.length
      ? (await loadHistory(fetchPage, wider)).records
      : shown.records;
  return { ...shown, count, current: currentFindings(forFindings) };
}
