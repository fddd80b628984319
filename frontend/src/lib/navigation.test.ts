import { describe, expect, it } from 'vitest';
import { loginUrl, safeNextPath } from './navigation.ts';

const SITE = 'https://lexikon.example.org';

/** What a browser does with `Location: <path>` on our site: where does it end up? */
function landsOnSite(path: string): boolean {
  const target = new URL(path, `${SITE}/login`);
  return target.origin === SITE && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\');
}

describe('safeNextPath', () => {
  it.each([
    ['/terms', '/terms'],
    ['/terms/42?tab=relations', '/terms/42?tab=relations'],
    [
      '/terms?q=intelligence%20artificielle&level=beginner#results',
      '/terms?q=intelligence%20artificielle&level=beginner#results',
    ],
    ['/profile#password', '/profile#password'],
    ['/', '/'],
    ['/terms/Apprentissage%20automatique', '/terms/Apprentissage%20automatique'],
  ])('keeps the same-site path %s (query and hash included)', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    ['protocol-relative URL', '//evil.example'],
    ['protocol-relative URL with a path', '//evil.example/terms'],
    ['backslash host', '/\\evil.example'],
    ['backslash host, both slashes', '\\\\evil.example'],
    ['absolute https URL', 'https://evil.example'],
    ['absolute http URL', 'http://evil.example/terms'],
    ['javascript: URL', 'javascript:alert(1)'],
    ['javascript: URL, mixed case and spaces', ' JavaScript:alert(document.cookie)'],
    ['data: URL', 'data:text/html,<script>alert(1)</script>'],
    ['relative path', 'terms'],
    ['empty', ''],
    ['tab inside the slashes', '/\t/evil.example'],
    ['newline inside the slashes', '/\n/evil.example'],
    ['carriage return', '/\r/evil.example'],
    ['NUL byte', '/terms\u0000'],
    ['DEL character', '/\u007f/evil.example'],
    ['leading space', ' /terms'],
  ])('refuses a %s (%j)', (_label, next) => {
    expect(safeNextPath(next)).toBe('/terms');
  });

  it('refuses paths longer than 2,000 characters', () => {
    expect(safeNextPath(`/${'a'.repeat(1999)}`)).toBe(`/${'a'.repeat(1999)}`);
    expect(safeNextPath(`/${'a'.repeat(2000)}`)).toBe('/terms');
    expect(safeNextPath(`/${'a'.repeat(100_000)}`)).toBe('/terms');
  });

  it('uses the given fallback for missing and refused values', () => {
    expect(safeNextPath(null, '/profile')).toBe('/profile');
    expect(safeNextPath(undefined, '/profile')).toBe('/profile');
    expect(safeNextPath('//evil.example', '/')).toBe('/');
  });

  it.each([
    ['encoded slashes', '/%2F%2Fevil.example'],
    ['encoded backslashes', '/%5C%5Cevil.example'],
    ['encoded tab', '/%09/evil.example'],
    ['ideographic space', '/\u3000/evil.example'],
    ['at sign', '/@evil.example'],
    ['userinfo-like', '/user:pass@evil.example'],
  ])('turns %s into a path that stays on the site (%j)', (_label, next) => {
    const result = safeNextPath(next);
    expect(landsOnSite(result), `safeNextPath(${JSON.stringify(next)}) = ${JSON.stringify(result)}`).toBe(
      true,
    );
  });

  // Regression: the URL parser collapses dot segments after the checks ("/.//evil.example" became
  // "//evil.example", a protocol-relative URL) until the normalised result was checked too.
  it.each([
    ['dot segment', '/.//evil.example'],
    ['dot-dot segment', '/..//evil.example'],
    ['dot-dot after a segment', '/terms/..//evil.example'],
    ['dot segment then backslash', '/./\\evil.example'],
  ])('never returns a protocol-relative path after normalising a %s (%j)', (_label, next) => {
    const result = safeNextPath(next);
    expect(landsOnSite(result), `safeNextPath(${JSON.stringify(next)}) = ${JSON.stringify(result)}`).toBe(
      true,
    );
  });
});

describe('loginUrl', () => {
  it('sends the current path and query, encoded, as next', () => {
    expect(loginUrl(new URL('https://lexikon.example.org/terms?q=a%20b&level=expert#x'))).toBe(
      '/login?next=%2Fterms%3Fq%3Da%2520b%26level%3Dexpert',
    );
  });

  it('round-trips through safeNextPath', () => {
    const url = new URL('https://lexikon.example.org/terms/new?domain=IA');
    const next = new URL(loginUrl(url), url).searchParams.get('next');
    expect(safeNextPath(next)).toBe('/terms/new?domain=IA');
  });
});
