import type { Cookies } from '@sveltejs/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TokenPair } from '@lexikon/contracts/auth';
import { ApiUnreachable } from './api.ts';
import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  deduplicateRefreshes,
  readAccessToken,
  restoreSession,
  type Refresher,
} from './session.ts';

const USER_ID = '0b6c2a52-5c3e-4a57-9a8e-3f1f0d7f2a10';
const now = () => Math.floor(Date.now() / 1000);

/** An unsigned JWT with the claims the web app reads (it never checks signatures: the API does). */
function accessToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

function tokenPair(expiresIn = 900, refresh = 'lxr_rotated'): TokenPair {
  return {
    access_token: accessToken({ sub: USER_ID, role: 'user', exp: now() + expiresIn }),
    refresh_token: refresh,
    token_type: 'bearer',
    expires_in: expiresIn,
  };
}

type CookieOptions = Parameters<Cookies['set']>[2];

/** A cookie jar that records what the code under test wrote, with which options. */
class FakeCookies implements Cookies {
  readonly jar = new Map<string, string>();
  readonly writes: { name: string; value: string | null; options: CookieOptions }[] = [];

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.jar.set(name, value);
  }

  get = (name: string) => this.jar.get(name);
  getAll = () => [...this.jar].map(([name, value]) => ({ name, value }));
  set = (name: string, value: string, options?: CookieOptions) => {
    this.jar.set(name, value);
    this.writes.push({ name, value, options });
  };
  delete = (name: string, options?: CookieOptions) => {
    this.jar.delete(name);
    this.writes.push({ name, value: null, options });
  };
  parse = (): never => {
    throw new Error('not used');
  };
  serialize = (): never => {
    throw new Error('not used');
  };

  write(name: string) {
    return this.writes.filter((write) => write.name === name).at(-1);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('readAccessToken', () => {
  it('reads the user id and role of a valid token', () => {
    expect(readAccessToken(accessToken({ sub: USER_ID, role: 'admin', exp: now() + 900 }))).toEqual({
      userId: USER_ID,
      role: 'admin',
    });
    expect(readAccessToken(accessToken({ sub: USER_ID, role: 'user', exp: now() + 900 }))?.role).toBe('user');
  });

  it('treats any role other than admin as user', () => {
    expect(readAccessToken(accessToken({ sub: USER_ID, role: 'superuser', exp: now() + 900 }))?.role).toBe(
      'user',
    );
    expect(readAccessToken(accessToken({ sub: USER_ID, exp: now() + 900 }))?.role).toBe('user');
  });

  it('considers a token expired 30 seconds before its exp claim', () => {
    const exp = 2_000_000_000;
    const token = accessToken({ sub: USER_ID, role: 'user', exp });
    expect(readAccessToken(token, exp - 31)).not.toBeNull();
    expect(readAccessToken(token, exp - 30)).toBeNull();
    expect(readAccessToken(token, exp - 5)).toBeNull();
    expect(readAccessToken(token, exp + 1)).toBeNull();
  });

  it.each([
    ['an empty string', ''],
    ['a string without dots', 'not-a-token'],
    ['a payload that is not JSON', 'a.bm90IGpzb24.c'],
    ['a token without sub', accessToken({ role: 'user', exp: 2_000_000_000 })],
    ['a token without exp', accessToken({ sub: USER_ID, role: 'user' })],
    ['a numeric sub', accessToken({ sub: 42, exp: 2_000_000_000 })],
    ['a string exp', accessToken({ sub: USER_ID, exp: '2000000000' })],
  ])('returns null for %s', (_label, token) => {
    expect(readAccessToken(token)).toBeNull();
  });
});

describe('deduplicateRefreshes', () => {
  it('lets concurrent callers with the same refresh token share one rotation', async () => {
    let resolveRotation: (tokens: TokenPair) => void = () => {};
    const refresh = vi.fn<Refresher>(() => new Promise((resolve) => (resolveRotation = resolve)));
    const shared = deduplicateRefreshes(refresh);

    const answers = Promise.all([shared('lxr_a'), shared('lxr_a'), shared('lxr_a')]);
    const pair = tokenPair();
    resolveRotation(pair);

    expect(await answers).toEqual([pair, pair, pair]);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('keeps rotations of different refresh tokens apart', async () => {
    const refresh = vi.fn<Refresher>(async (token) => tokenPair(900, `${token}_next`));
    const shared = deduplicateRefreshes(refresh);
    const [a, b] = await Promise.all([shared('lxr_a'), shared('lxr_b')]);
    expect(a?.refresh_token).toBe('lxr_a_next');
    expect(b?.refresh_token).toBe('lxr_b_next');
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('reuses a finished rotation for a while (requests that were already in flight)', async () => {
    const refresh = vi.fn<Refresher>(async () => tokenPair());
    const shared = deduplicateRefreshes(refresh, 30_000);
    const first = await shared('lxr_a');
    expect(await shared('lxr_a')).toBe(first);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('does not cache a failure to reach the API', async () => {
    const refresh = vi
      .fn<Refresher>()
      .mockRejectedValueOnce(new ApiUnreachable('down'))
      .mockResolvedValueOnce(tokenPair());
    const shared = deduplicateRefreshes(refresh);

    await expect(shared('lxr_a')).rejects.toBeInstanceOf(ApiUnreachable);
    // Let the rejection handler that forgets the entry run.
    await Promise.resolve();
    expect(await shared('lxr_a')).toMatchObject({ token_type: 'bearer' });
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('shares a failure with the callers that were waiting on it', async () => {
    const refresh = vi.fn<Refresher>().mockRejectedValue(new ApiUnreachable('down'));
    const shared = deduplicateRefreshes(refresh);
    const results = await Promise.allSettled([shared('lxr_a'), shared('lxr_a')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('forgets entries once they expire', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    const refresh = vi.fn<Refresher>(async () => tokenPair());
    const shared = deduplicateRefreshes(refresh, 30_000);

    await shared('lxr_a');
    vi.setSystemTime(Date.now() + 29_999);
    await shared('lxr_a');
    expect(refresh).toHaveBeenCalledTimes(1);

    vi.setSystemTime(Date.now() + 1);
    await shared('lxr_a');
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});

describe('restoreSession', () => {
  it('uses a fresh access token as is, without refreshing or writing cookies', async () => {
    const access = accessToken({ sub: USER_ID, role: 'admin', exp: now() + 600 });
    const cookies = new FakeCookies({ [ACCESS_COOKIE]: access, [REFRESH_COOKIE]: 'lxr_current' });
    const refresh = vi.fn<Refresher>();

    const session = await restoreSession(cookies, refresh, false);

    expect(session).toEqual({ accessToken: access, user: { userId: USER_ID, role: 'admin' } });
    expect(refresh).not.toHaveBeenCalled();
    expect(cookies.writes).toEqual([]);
  });

  it('is anonymous, and asks nobody, without cookies', async () => {
    const refresh = vi.fn<Refresher>();
    expect(await restoreSession(new FakeCookies(), refresh, false)).toEqual({
      accessToken: null,
      user: null,
    });
    expect(refresh).not.toHaveBeenCalled();
  });

  it.each([
    ['an expired access token', { [ACCESS_COOKIE]: accessToken({ sub: USER_ID, exp: now() - 10 }) }],
    ['an access token about to expire', { [ACCESS_COOKIE]: accessToken({ sub: USER_ID, exp: now() + 20 }) }],
    ['a garbled access token', { [ACCESS_COOKIE]: 'garbage' }],
    ['no access token (cookie expired)', {}],
  ])('refreshes with %s and rewrites both cookies HttpOnly, SameSite=Lax', async (_label, initial) => {
    const cookies = new FakeCookies({ ...initial, [REFRESH_COOKIE]: 'lxr_old' });
    const pair = tokenPair(900, 'lxr_new');
    const refresh = vi.fn<Refresher>(async () => pair);

    const session = await restoreSession(cookies, refresh, false);

    expect(refresh).toHaveBeenCalledWith('lxr_old');
    expect(session).toEqual({ accessToken: pair.access_token, user: { userId: USER_ID, role: 'user' } });
    expect(cookies.jar.get(ACCESS_COOKIE)).toBe(pair.access_token);
    expect(cookies.jar.get(REFRESH_COOKIE)).toBe('lxr_new');
    for (const name of [ACCESS_COOKIE, REFRESH_COOKIE]) {
      expect(cookies.write(name)?.options).toMatchObject({
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: false,
      });
    }
    // The access cookie dies before the token does; the refresh cookie lives as long as the session.
    expect(cookies.write(ACCESS_COOKIE)?.options?.maxAge).toBe(870);
    expect(cookies.write(REFRESH_COOKIE)?.options?.maxAge).toBe(60 * 60 * 24 * 30);
  });

  it('marks the cookies Secure when the site is served over https', async () => {
    const cookies = new FakeCookies({ [REFRESH_COOKIE]: 'lxr_old' });
    await restoreSession(cookies, async () => tokenPair(), true);
    expect(cookies.write(ACCESS_COOKIE)?.options?.secure).toBe(true);
    expect(cookies.write(REFRESH_COOKIE)?.options?.secure).toBe(true);
  });

  it('clears both cookies when the API refuses the refresh token', async () => {
    const cookies = new FakeCookies({
      [ACCESS_COOKIE]: accessToken({ sub: USER_ID, exp: now() - 10 }),
      [REFRESH_COOKIE]: 'lxr_revoked',
    });

    const session = await restoreSession(cookies, async () => null, false);

    expect(session).toEqual({ accessToken: null, user: null });
    expect(cookies.jar.has(ACCESS_COOKIE)).toBe(false);
    expect(cookies.jar.has(REFRESH_COOKIE)).toBe(false);
    expect(cookies.writes.map((write) => [write.name, write.value, write.options?.path])).toEqual([
      [ACCESS_COOKIE, null, '/'],
      [REFRESH_COOKIE, null, '/'],
    ]);
  });

  it('keeps the cookies and carries on anonymous when the API is unreachable', async () => {
    const expired = accessToken({ sub: USER_ID, exp: now() - 10 });
    const cookies = new FakeCookies({ [ACCESS_COOKIE]: expired, [REFRESH_COOKIE]: 'lxr_current' });

    const session = await restoreSession(
      cookies,
      async () => {
        throw new ApiUnreachable('down');
      },
      false,
    );

    expect(session).toEqual({ accessToken: null, user: null, unverified: true });
    expect(cookies.writes).toEqual([]);
    expect(cookies.jar.get(REFRESH_COOKIE)).toBe('lxr_current');
  });

  it('lets unexpected errors through (a bug must not look like a signed-out user)', async () => {
    const cookies = new FakeCookies({ [REFRESH_COOKIE]: 'lxr_current' });
    await expect(
      restoreSession(
        cookies,
        async () => {
          throw new TypeError('bug');
        },
        false,
      ),
    ).rejects.toThrow('bug');
    expect(cookies.jar.get(REFRESH_COOKIE)).toBe('lxr_current');
  });

  it('shares one rotation between the concurrent requests of a page load', async () => {
    const expired = accessToken({ sub: USER_ID, exp: now() - 10 });
    const refresh = vi.fn<Refresher>(async () => tokenPair(900, 'lxr_new'));
    const shared = deduplicateRefreshes(refresh);
    const jars = [1, 2, 3].map(
      () => new FakeCookies({ [ACCESS_COOKIE]: expired, [REFRESH_COOKIE]: 'lxr_old' }),
    );

    const sessions = await Promise.all(jars.map((jar) => restoreSession(jar, shared, false)));

    expect(refresh).toHaveBeenCalledTimes(1);
    expect(new Set(sessions.map((session) => session.accessToken)).size).toBe(1);
    for (const jar of jars) expect(jar.jar.get(REFRESH_COOKIE)).toBe('lxr_new');
  });
});
