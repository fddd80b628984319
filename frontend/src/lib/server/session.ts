import type { Cookies } from '@sveltejs/kit';
import type { components } from '#lib/api/schema.ts';
import { ApiUnreachable } from './api.ts';

type TokenPair = components['schemas']['TokenPair'];

export const ACCESS_COOKIE = 'lexikon_access';
export const REFRESH_COOKIE = 'lexikon_refresh';
const REFRESH_COOKIE_MAX_AGE = 60 * 60 * 24 * 30;
// Refresh a little before expiry so a token never dies between this server and the API.
const EXPIRY_MARGIN_SECONDS = 30;

export interface SessionUser {
  userId: string;
  role: 'user' | 'admin';
}

export interface Session {
  accessToken: string | null;
  user: SessionUser | null;
  /** The session could not be renewed because the API is down: the user may well be signed in. */
  unverified?: boolean;
}

/**
 * Both tokens live in HttpOnly, SameSite=Lax cookies: page scripts never see them, so neither XSS nor
 * a browser extension can lift them from storage.
 */
export function storeTokens(cookies: Cookies, tokens: TokenPair, secure: boolean): void {
  const options = { path: '/', httpOnly: true, sameSite: 'lax', secure } as const;
  cookies.set(ACCESS_COOKIE, tokens.access_token, {
    ...options,
    maxAge: Math.max(60, tokens.expires_in - EXPIRY_MARGIN_SECONDS),
  });
  cookies.set(REFRESH_COOKIE, tokens.refresh_token, { ...options, maxAge: REFRESH_COOKIE_MAX_AGE });
}

export function clearTokens(cookies: Cookies, secure: boolean): void {
  for (const name of [ACCESS_COOKIE, REFRESH_COOKIE]) cookies.delete(name, { path: '/', secure });
}

/** Reads the claims of an access token issued by our API. For routing and display only: the API checks signatures. */
export function readAccessToken(token: string, nowSeconds = Date.now() / 1000): SessionUser | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      sub?: unknown;
      role?: unknown;
      exp?: unknown;
    };
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null;
    if (payload.exp - EXPIRY_MARGIN_SECONDS <= nowSeconds) return null;
    return { userId: payload.sub, role: payload.role === 'admin' ? 'admin' : 'user' };
  } catch {
    return null;
  }
}

export type Refresher = (refreshToken: string) => Promise<TokenPair | null>;

/**
 * One rotation per refresh token. A page load fires several requests at once, each carrying the same
 * expired cookie; rotating it twice would look like token theft to the API and revoke the session. The
 * first request rotates, the others (for a short while) reuse its answer.
 */
export function deduplicateRefreshes(refresh: Refresher, reuseForMs = 30_000): Refresher {
  const recent = new Map<string, { result: Promise<TokenPair | null>; until: number }>();
  return (refreshToken) => {
    const now = Date.now();
    for (const [token, entry] of recent) if (entry.until <= now) recent.delete(token);
    const existing = recent.get(refreshToken);
    if (existing) return existing.result;
    const result = refresh(refreshToken);
    recent.set(refreshToken, { result, until: now + reuseForMs });
    // A failure to reach the API must not be cached: the next request may well get through.
    result.catch(() => recent.delete(refreshToken));
    return result;
  };
}

/** Restores the session from cookies, rotating the refresh token when the access token has expired. */
export async function restoreSession(
  cookies: Cookies,
  refresh: Refresher,
  secure: boolean,
): Promise<Session> {
  const access = cookies.get(ACCESS_COOKIE);
  const user = access ? readAccessToken(access) : null;
  if (access && user) return { accessToken: access, user };

  const refreshToken = cookies.get(REFRESH_COOKIE);
  if (!refreshToken) return { accessToken: null, user: null };
  let tokens: TokenPair | null;
  try {
    tokens = await refresh(refreshToken);
  } catch (error) {
    // API down: keep the cookies for when it returns, carry on as anonymous for this request.
    if (error instanceof ApiUnreachable) return { accessToken: null, user: null, unverified: true };
    throw error;
  }
  if (!tokens) {
    clearTokens(cookies, secure);
    return { accessToken: null, user: null };
  }
  storeTokens(cookies, tokens, secure);
  return { accessToken: tokens.access_token, user: readAccessToken(tokens.access_token) };
}
