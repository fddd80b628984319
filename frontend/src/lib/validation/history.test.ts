import { describe, expect, it } from 'vitest';
import {
  HISTORY_MAX,
  HISTORY_PAGE_SIZE,
  historyHref,
  loadHistory,
  loadValidation,
  parseHistoryCount,
  type FetchValidationPage,
} from './history.ts';
import { finding, llmRecord, record } from './testing.ts';
import type { ValidationJob, ValidationRecord } from './types.ts';

describe('parseHistoryCount', () => {
  it('defaults to one page and rounds up to whole pages', () => {
    expect(parseHistoryCount(null)).toBe(HISTORY_PAGE_SIZE);
    expect(parseHistoryCount('')).toBe(HISTORY_PAGE_SIZE);
    expect(parseHistoryCount('20')).toBe(20);
    expect(parseHistoryCount('25')).toBe(30);
    expect(parseHistoryCount('3')).toBe(HISTORY_PAGE_SIZE);
  });

  it('ignores garbage and caps absurd counts', () => {
    expect(parseHistoryCount('abc')).toBe(HISTORY_PAGE_SIZE);
    expect(parseHistoryCount('-20')).toBe(HISTORY_PAGE_SIZE);
    expect(parseHistoryCount('1e3')).toBe(HISTORY_PAGE_SIZE);
    expect(parseHistoryCount('9999')).toBe(HISTORY_MAX);
    expect(parseHistoryCount('99999999')).toBe(HISTORY_PAGE_SIZE);
  });
});

describe('historyHref', () => {
  it('keeps the other parameters and points at the history', () => {
    expect(historyHref({ pathname: '/terms/x', search: '?depth=2' }, 20)).toBe(
      '/terms/x?depth=2&history=20#validation-history',
    );
    expect(historyHref({ pathname: '/terms/x', search: '?history=20&depth=2' }, 30)).toBe(
      '/terms/x?depth=2&history=30#validation-history',
    );
  });

  it('drops the parameter for the default count and caps it', () => {
    expect(historyHref({ pathname: '/terms/x', search: '?history=20' }, HISTORY_PAGE_SIZE)).toBe(
      '/terms/x#validation-history',
    );
    expect(historyHref({ pathname: '/terms/x', search: '' }, 10_000)).toBe(
      `/terms/x?history=${HISTORY_MAX}#validation-history`,
    );
  });
});

/** A fake API: `total` records newest first, paged with numeric cursors, and the calls it got. */
function fakeApi(records: ValidationRecord[], pendingJob: ValidationJob | null = null) {
  const calls: { limit: number; cursor?: string }[] = [];
  const fetchPage: FetchValidationPage = async (query) => {
    calls.push(query);
    const start = query.cursor === undefined ? 0 : Number(query.cursor);
    const items = records.slice(start, start + query.limit);
    const end = start + items.length;
    return {
      items,
      next_cursor: end < records.length ? String(end) : null,
      limit: query.limit,
      pending_job: pendingJob,
    };
  };
  return { fetchPage, calls };
}

const many = (n: number) =>
  Array.from({ length: n }, (_, index) =>
    record({ created_at: new Date(Date.UTC(2026, 0, 1) - index * 60_000).toISOString() }),
  );

describe('loadHistory', () => {
  it('reads one page when it is enough', async () => {
    const api = fakeApi(many(4));
    const loaded = await loadHistory(api.fetchPage, 10);
    expect(loaded.records).toHaveLength(4);
    expect(loaded.hasMore).toBe(false);
    expect(api.calls).toEqual([{ limit: 10 }]);
  });

  it('says when there is more', async () => {
    const api = fakeApi(many(11));
    const loaded = await loadHistory(api.fetchPage, 10);
    expect(loaded.records).toHaveLength(10);
    expect(loaded.hasMore).toBe(true);
  });

  it('follows cursors past the API’s largest page', async () => {
    const api = fakeApi(many(250));
    const loaded = await loadHistory(api.fetchPage, 230);
    expect(loaded.records).toHaveLength(230);
    expect(loaded.hasMore).toBe(true);
    expect(api.calls).toEqual([{ limit: 100 }, { limit: 100, cursor: '100' }, { limit: 30, cursor: '200' }]);
  });

  it('hands the pending job of the first page along', async () => {
    const job: ValidationJob = {
      id: '33333333-3333-4333-8333-333333333333',
      term_version: 2,
      status: 'queued',
      attempts: 0,
      max_attempts: 5,
      run_after: '2026-01-01T00:00:00.000Z',
      last_error: null,
    };
    expect((await loadHistory(fakeApi([], job).fetchPage, 10)).pendingJob).toEqual(job);
  });
});

describe('loadValidation', () => {
  it('computes the current findings from the records shown', async () => {
    const circular = finding();
    const api = fakeApi([record({ findings: [circular] })]);
    const loaded = await loadValidation(api.fetchPage, 10);
    expect(loaded.count).toBe(10);
    expect(loaded.current.findings).toEqual([circular]);
    expect(api.calls).toHaveLength(1);
  });

  it('looks further back for the LLM’s latest verdict on the current text', async () => {
    const llmSays = finding({ source: 'llm', type: 'wrong_domain', severity: 'warning' });
    const failures = Array.from({ length: 12 }, (_, index) =>
      llmRecord({
        status: 'failed',
        error_reason: 'timeout',
        created_at: new Date(Date.UTC(2026, 0, 2) - index * 60_000).toISOString(),
      }),
    );
    const verdict = llmRecord({ created_at: '2025-12-01T00:00:00.000Z', findings: [llmSays] });
    const api = fakeApi([...failures, verdict]);
    const loaded = await loadValidation(api.fetchPage, 10);
    expect(loaded.records).toHaveLength(10);
    expect(loaded.hasMore).toBe(true);
    expect(loaded.current.llmVerdict).toEqual(verdict);
    expect(loaded.current.findings).toEqual([llmSays]);
    expect(api.calls).toEqual([{ limit: 10 }, { limit: 100 }]);
  });
});
