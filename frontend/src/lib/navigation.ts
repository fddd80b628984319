/**
 * Where to go after signing in. Only same-site paths are accepted: `//evil.example`, `/\evil.example`,
 * absolute URLs and anything odd fall back to the default, so `?next=` cannot become an open redirect.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/terms'): string {
  if (!next || next.length > 2000) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(next)) return fallback;
  try {
    const url = new URL(next, 'http://lexikon.invalid');
    if (url.origin !== 'http://lexikon.invalid') return fallback;
    const normalised = `${url.pathname}${url.search}${url.hash}`;
    // The parser collapses dot segments: "/.//evil.example" comes out as "//evil.example", which a browser
    // reads as another host. Check again what we are about to return.
    if (normalised.startsWith('//') || normalised.startsWith('/\\')) return fallback;
    return normalised;
  } catch {
    return fallback;
  }
}

/** `/login?next=…` for a page that needs a signed-in user. */
export function loginUrl(url: URL): string {
  return `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
}
