import { describe, expect, it } from 'vitest';
import {
  domainFilterOptions,
  filtersFromForm,
  hasActiveFilters,
  listQuery,
  parseCursor,
  parseTermFilters,
  termsHref,
} from './filters.ts';

const params = (query: string) => new URLSearchParams(query);

describe('parseTermFilters', () => {
  it('keeps known values and trims text', () => {
    expect(
      parseTermFilters(
        params(
          'q=%20r%C3%A9seau%20%20neurones%20&domain=IA&level=expert&status=validated&sort=term&limit=50&mine=1',
        ),
      ),
    ).toEqual({
      q: 'réseau neurones',
      domain: 'IA',
      level: 'expert',
      status: 'validated',
      sort: 'term',
      limit: 50,
      mine: true,
    });
  });

  it('drops empty and unknown values instead of failing', () => {
    expect(parseTermFilters(params('q=&domain=%20&level=guru&status=&sort=random&limit=1000&mine='))).toEqual(
      {},
    );
    expect(parseTermFilters(params('limit=abc'))).toEqual({});
    expect(parseTermFilters(params('limit=0'))).toEqual({});
  });

  it('treats the default page size as no setting', () => {
    expect(parseTermFilters(params('limit=20'))).toEqual({});
  });

  it('only sorts by relevance when there are words to rank by', () => {
    expect(parseTermFilters(params('sort=relevance'))).toEqual({});
    expect(parseTermFilters(params('sort=relevance&q=ia'))).toEqual({ q: 'ia', sort: 'relevance' });
  });

  it('caps long inputs', () => {
    expect(parseTermFilters(params(`q=${'a'.repeat(500)}`)).q).toHaveLength(200);
    expect(parseTermFilters(params(`domain=${'d'.repeat(500)}`)).domain).toHaveLength(100);
  });
});

describe('parseCursor', () => {
  it('reads a cursor and ignores absurd ones', () => {
    expect(parseCursor(params('cursor=abc'))).toBe('abc');
    expect(parseCursor(params('cursor='))).toBeUndefined();
    expect(parseCursor(params(`cursor=${'x'.repeat(600)}`))).toBeUndefined();
  });
});

describe('termsHref', () => {
  it('is /terms without filters', () => {
    expect(termsHref({})).toBe('/terms');
  });

  it('writes filters in a canonical order, then the cursor', () => {
    expect(
      termsHref(
        {
          sort: 'term',
          status: 'draft',
          q: 'ia & ml',
          mine: true,
          level: 'beginner',
          domain: 'IA',
          limit: 50,
        },
        'c1',
      ),
    ).toBe('/terms?q=ia+%26+ml&domain=IA&level=beginner&status=draft&mine=1&sort=term&limit=50&cursor=c1');
  });

  it('round-trips through parseTermFilters', () => {
    const filters = { q: 'apprentissage', level: 'advanced', status: 'in_review', limit: 100 } as const;
    const href = termsHref(filters, 'next');
    const url = new URL(href, 'http://x');
    expect(parseTermFilters(url.searchParams)).toEqual(filters);
    expect(parseCursor(url.searchParams)).toBe('next');
  });
});

describe('hasActiveFilters', () => {
  it('counts narrowing filters only', () => {
    expect(hasActiveFilters({})).toBe(false);
    expect(hasActiveFilters({ sort: 'term', limit: 50 })).toBe(false);
    expect(hasActiveFilters({ q: 'x' })).toBe(true);
    expect(hasActiveFilters({ mine: true })).toBe(true);
  });
});

describe('listQuery', () => {
  it('builds the API query with the default page size, asking for the total', () => {
    expect(listQuery({}, undefined, null)).toEqual({ limit: 20, with_total: 'true' });
  });

  it('turns "mine" into created_by for a signed-in user', () => {
    expect(listQuery({ mine: true, q: 'ia', limit: 50 }, 'c', 'u1')).toEqual({
      limit: 50,
      with_total: 'true',
      cursor: 'c',
      q: 'ia',
      created_by: 'u1',
    });
    expect(listQuery({ mine: true }, undefined, null)).toEqual({ limit: 20, with_total: 'true' });
  });
});

describe('filtersFromForm', () => {
  it('reads the search form like a URL, blanks dropped', () => {
    const data = new FormData();
    for (const [key, value] of Object.entries({
      q: ' ia ',
      domain: '',
      level: '',
      status: 'draft',
      sort: '',
      limit: '20',
    }))
      data.set(key, value);
    expect(filtersFromForm(data)).toEqual({ q: 'ia', status: 'draft' });
    expect(termsHref(filtersFromForm(data))).toBe('/terms?q=ia&status=draft');
  });
});

describe('domainFilterOptions', () => {
  const domains = [
    { domain: 'Intelligence artificielle', terms: 12 },
    { domain: 'Linguistique', terms: 1 },
  ];
  const label = (n: number) => `${n} t`;

  it('offers any domain, then each domain with its count, the one in the URL selected whatever its case', () => {
    expect(domainFilterOptions(domains, 'intelligence ARTIFICIELLE', 'Any', label)).toEqual([
      { value: '', label: 'Any', selected: false },
      { value: 'Intelligence artificielle', label: 'Intelligence artificielle (12 t)', selected: true },
      { value: 'Linguistique', label: 'Linguistique (1 t)', selected: false },
    ]);
    expect(domainFilterOptions(domains, undefined, 'Any', label)[0]).toEqual({
      value: '',
      label: 'Any',
      selected: true,
    });
  });

  it('keeps a domain no term has any more selectable, so the filter shows what was asked', () => {
    expect(domainFilterOptions(domains, 'Chimie', 'Any', label).slice(0, 2)).toEqual([
      { value: '', label: 'Any', selected: false },
      { value: 'Chimie', label: 'Chimie (0 t)', selected: true },
    ]);
  });
});

describe('the content language of the list', () => {
  it('is kept in the URL, is not a filter, and an odd value is dropped', () => {
    const filters = parseTermFilters(new URLSearchParams('vocabulary=ai-demo&lang=en'));
    expect(filters).toEqual({ vocabulary: 'ai-demo', lang: 'en' });
    expect(termsHref(filters)).toBe('/terms?vocabulary=ai-demo&lang=en');
    expect(hasActiveFilters({ lang: 'en' })).toBe(false);
    expect(parseTermFilters(new URLSearchParams('lang=<script>'))).toEqual({});
  });
});
