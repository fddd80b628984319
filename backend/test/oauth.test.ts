import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedirectWalker } from './support/browser-flow.ts';
import { startFakeGitHub, type FakeGitHub, type GitHubUser } from '@lexikon/harness/fakes/github';
import { startOidcIssuer, type OidcIssuer } from '@lexikon/harness/fakes/oidc-issuer';
import { createTestContext, createUser, type TestContext } from './support/test-app.ts';

const WEB = 'http://127.0.0.1:9'; // the web app's public URL: providers redirect there, nobody fetches it
let github: FakeGitHub;
let google: OidcIssuer;
let context: TestContext;
let githubIds = 1000;

beforeAll(async () => {
  github = await startFakeGitHub();
  google = await startOidcIssuer([`${WEB}/oauth/callback/google`]);
  context = await createTestContext(oauthEnv());
});
afterAll(async () => {
  await context?.close();
  await github?.close();
  await google?.close();
});
beforeEach(() => {
  github.setOutage('none');
  google.tamperWithJwks(false);
});

function oauthEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PUBLIC_WEB_URL: WEB,
    OAUTH_ALLOW_HTTP: 'true',
    OAUTH_TIMEOUT_MS: '1500',
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_URL: github.url,
    GITHUB_API_URL: github.url,
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_ISSUER: google.issuer,
    ...extra,
  };
}

function githubUser(
  overrides: Partial<GitHubUser> & { email?: string | null; verified?: boolean } = {},
): GitHubUser {
  const id = ++githubIds;
  const email = overrides.email === undefined ? `octo${id}@users.example` : overrides.email;
  return {
    id,
    login: `octo${id}`,
    name: `Octo ${id}`,
    email: null, // private email: only /user/emails tells
    emails: email
      ? [{ email, primary: true, verified: overrides.verified ?? true, visibility: 'private' }]
      : [],
    ...overrides,
  };
}

/** Starts a flow through the API and walks the browser to the web app's callback URL. */
async function authorize(
  provider: 'github' | 'google',
  options: { next?: string; token?: string; app?: TestContext } = {},
) {
  const app = (options.app ?? context).app;
  const query = new URLSearchParams({
    ...(options.next ? { next: options.next } : {}),
    ...(options.token ? { mode: 'link' } : {}),
  });
  const start = await app.inject({
    method: 'GET',
    url: `/api/auth/oauth/${provider}?${query}`,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
  });
  expect(start.statusCode, start.body).toBe(302);
  const location = new URL(String(start.headers.location));
  return { location, callback: () => new RedirectWalker(WEB).walk(location.href) };
}

async function finish(provider: string, callback: URL, app = context) {
  return app.app.inject({ method: 'GET', url: `/api/auth/oauth/${provider}/callback${callback.search}` });
}

async function profile(token: string) {
  return (
    await context.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: `Bearer ${token}` },
    })
  ).json();
}

async function userCount(): Promise<number> {
  const result = await context.database.db.execute(sql`SELECT count(*)::int AS count FROM users`);
  return (result as unknown as { rows: { count: number }[] }).rows[0]!.count;
}

describe('provider discovery', () => {
  it('lists configured providers and hides the others', async () => {
    expect((await context.app.inject('/api/auth/providers')).json()).toEqual({
      password: true,
      providers: ['github', 'google'],
    });
    const bare = await createTestContext({});
    try {
      expect((await bare.app.inject('/api/auth/providers')).json()).toEqual({
        password: true,
        providers: [],
      });
      const start = await bare.app.inject('/api/auth/oauth/github');
      expect(start.statusCode).toBe(404);
      expect(start.json().code).toBe('oauth-provider-not-configured');
    } finally {
      await bare.close();
    }
  });

  it('sends the browser to the provider with state and PKCE S256 (and a nonce for OpenID Connect)', async () => {
    const { location } = await authorize('github');
    expect(location.origin).toBe(github.url);
    expect(location.searchParams.get('state')).toMatch(/^[\w-]{40,}$/);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('redirect_uri')).toBe(`${WEB}/oauth/callback/github`);
    expect(location.searchParams.get('scope')).toContain('user:email');
    const oidc = (await authorize('google')).location;
    expect(oidc.searchParams.get('nonce')).toMatch(/^[\w-]{40,}$/);
    expect(oidc.searchParams.get('scope')).toBe('openid email profile');
  });
});

describe('signing in with GitHub', () => {
  it('creates a password-less account from a private but verified email, and signs in again later', async () => {
    const octo = githubUser();
    github.signInAs(octo);
    const before = await userCount();
    const first = await finish(
      'github',
      await (await authorize('github', { next: '/terms?q=x' })).callback(),
    );
    expect(first.statusCode, first.body).toBe(200);
    const outcome = first.json();
    expect(outcome).toMatchObject({ mode: 'login', next: '/terms?q=x', tokens: { token_type: 'bearer' } });
    expect(await userCount()).toBe(before + 1);
    const me = await profile(outcome.tokens.access_token);
    expect(me).toMatchObject({
      email: octo.emails[0]!.email,
      has_password: false,
      providers: ['github'],
      username: octo.login,
    });
    const stored = await context.database.db.execute(
      sql`SELECT password_hash FROM users WHERE id = ${me.id}`,
    );
    expect(
      (stored as unknown as { rows: { password_hash: string | null }[] }).rows[0]!.password_hash,
    ).toBeNull();

    const again = await finish('github', await (await authorize('github')).callback());
    expect((await profile(again.json().tokens.access_token)).id).toBe(me.id);
    expect(await userCount()).toBe(before + 1);
  });

  it('links to an existing account when GitHub has verified the same email', async () => {
    const owner = await createUser(context);
    github.signInAs(githubUser({ email: owner.email.toUpperCase() }));
    const response = await finish('github', await (await authorize('github')).callback());
    expect(response.statusCode, response.body).toBe(200);
    const me = await profile(response.json().tokens.access_token);
    expect(me).toMatchObject({ id: owner.id, has_password: true, providers: ['github'] });
  });

  it('refuses an unverified email, explaining why, and creates nothing', async () => {
    const owner = await createUser(context);
    const before = await userCount();
    github.signInAs(githubUser({ email: owner.email, verified: false }));
    const matching = await finish('github', await (await authorize('github')).callback());
    expect(matching.statusCode).toBe(422);
    expect(matching.json()).toMatchObject({ code: 'oauth-email-unverified' });
    expect(matching.json().detail).toContain('An account uses this email');
    github.signInAs(githubUser({ verified: false }));
    const stranger = await finish('github', await (await authorize('github')).callback());
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json().detail).toContain('no verified primary email');
    github.signInAs(githubUser({ email: null }));
    expect((await finish('github', await (await authorize('github')).callback())).statusCode).toBe(422);
    expect(await userCount()).toBe(before);
    expect(
      (await profile((await createUser(context, { email: `x${Date.now()}@e.org` })).accessToken)).providers,
    ).toEqual([]);
  });

  it('reports a denied consent', async () => {
    github.signInAs(null);
    const callback = await (await authorize('github')).callback();
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const response = await finish('github', callback);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('oauth-denied');
  });
});

describe('flow integrity', () => {
  it('rejects a forged or missing state', async () => {
    github.signInAs(githubUser());
    const callback = await (await authorize('github')).callback();
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value-that-we-never-issued');
    for (const url of [
      forged,
      new URL(`${WEB}/oauth/callback/github?code=${callback.searchParams.get('code')}`),
    ]) {
      const response = await finish('github', url);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('oauth-state-invalid');
    }
  });

  it('rejects a replayed callback, and a replayed code under a fresh state', async () => {
    github.signInAs(githubUser());
    const callback = await (await authorize('github')).callback();
    expect((await finish('github', callback)).statusCode).toBe(200);
    const replay = await finish('github', callback);
    expect(replay.statusCode).toBe(400);
    expect(replay.json().code).toBe('oauth-state-invalid');

    const fresh = await (await authorize('github')).callback();
    const stolenCode = new URL(fresh);
    stolenCode.searchParams.set('code', callback.searchParams.get('code')!);
    const reused = await finish('github', stolenCode);
    expect(reused.statusCode).toBe(400);
    expect(reused.json().code).toBe('oauth-code-invalid');
  });

  it('rejects a code that was issued for another PKCE challenge', async () => {
    github.signInAs(githubUser());
    const first = await (await authorize('github')).callback();
    const second = await (await authorize('github')).callback();
    const swapped = new URL(second);
    swapped.searchParams.set('code', first.searchParams.get('code')!);
    const response = await finish('github', swapped);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('oauth-code-invalid');
  });

  it('rejects an expired state', async () => {
    github.signInAs(githubUser());
    const callback = await (await authorize('github')).callback();
    await context.database.db.execute(sql`UPDATE oauth_states SET expires_at = now() - interval '1 second'`);
    const response = await finish('github', callback);
    expect(response.json().code).toBe('oauth-state-invalid');
  });

  it('answers 502 when the provider fails or hangs, within the timeout', async () => {
    github.signInAs(githubUser());
    github.setOutage('bad-gateway');
    const broken = await finish('github', await (await authorize('github')).callback());
    expect(broken.statusCode).toBe(502);
    expect(broken.json().code).toBe('oauth-provider-unavailable');
    // The stand-in never answers: a 502 at all means OAUTH_TIMEOUT_MS cut the call.
    github.setOutage('hang');
    const hung = await finish('github', await (await authorize('github')).callback());
    expect(hung.statusCode).toBe(502);
    expect(hung.json().code).toBe('oauth-provider-unavailable');
  });

  it('lets another replica finish a flow this one started', async () => {
    github.signInAs(githubUser());
    const callback = await (await authorize('github')).callback();
    const { buildApp } = await import('../src/app.ts');
    const pino = (await import('pino')).default;
    const replica = await buildApp({
      config: context.config,
      database: context.database,
      logger: pino({ level: 'silent' }),
    });
    try {
      const response = await replica.inject({
        method: 'GET',
        url: `/api/auth/oauth/github/callback${callback.search}`,
      });
      expect(response.statusCode, response.body).toBe(200);
    } finally {
      await replica.close();
    }
  });
});

describe('signing in with Google (OpenID Connect)', () => {
  it('creates an account from a verified ID token', async () => {
    const email = `g${Date.now()}@gmail.example`;
    google.signInAs({ sub: `g-${Date.now()}`, email, email_verified: true, name: 'Grace Hopper' });
    const response = await finish('google', await (await authorize('google')).callback());
    expect(response.statusCode, response.body).toBe(200);
    expect(await profile(response.json().tokens.access_token)).toMatchObject({
      email,
      full_name: 'Grace Hopper',
      providers: ['google'],
      has_password: false,
    });
  });

  it('refuses email_verified: false', async () => {
    google.signInAs({ sub: `u-${Date.now()}`, email: `u${Date.now()}@gmail.example`, email_verified: false });
    const response = await finish('google', await (await authorize('google')).callback());
    expect(response.statusCode).toBe(422);
    expect(response.json().code).toBe('oauth-email-unverified');
  });

  it('rejects an ID token whose nonce is not ours', async () => {
    google.signInAs({ sub: `n-${Date.now()}`, email: `n${Date.now()}@gmail.example`, email_verified: true });
    const { location } = await authorize('google');
    location.searchParams.set('nonce', 'a-nonce-chosen-by-an-attacker-000000000000');
    const callback = await new RedirectWalker(WEB).walk(location.href);
    const response = await finish('google', callback);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('oauth-id-token-invalid');
  });

  it('rejects an ID token whose signature does not verify', async () => {
    const isolated = await createTestContext(oauthEnv()); // a fresh JWKS cache
    try {
      google.signInAs({
        sub: `s-${Date.now()}`,
        email: `s${Date.now()}@gmail.example`,
        email_verified: true,
      });
      google.tamperWithJwks(true);
      const callback = await (await authorize('google', { app: isolated })).callback();
      const response = await finish('google', callback, isolated);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('oauth-id-token-invalid');
    } finally {
      await isolated.close();
    }
  });
});

describe('linking and unlinking providers', () => {
  it('links a provider to the signed-in user and unlinks it', async () => {
    const user = await createUser(context);
    github.signInAs(githubUser());
    const response = await finish(
      'github',
      await (await authorize('github', { token: user.accessToken, next: '/profile' })).callback(),
    );
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ mode: 'link', next: '/profile', tokens: null });
    expect((await profile(user.accessToken)).providers).toEqual(['github']);
    const unlink = await context.app.inject({
      method: 'DELETE',
      url: '/api/auth/oauth/github',
      headers: user.auth,
    });
    expect(unlink.statusCode).toBe(204);
    expect((await profile(user.accessToken)).providers).toEqual([]);
  });

  it('needs a bearer token to link', async () => {
    const start = await context.app.inject('/api/auth/oauth/github?mode=link');
    expect(start.statusCode).toBe(401);
  });

  it('never removes the last way to sign in', async () => {
    github.signInAs(githubUser());
    const tokens = (await finish('github', await (await authorize('github')).callback())).json().tokens;
    const unlink = await context.app.inject({
      method: 'DELETE',
      url: '/api/auth/oauth/github',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(unlink.statusCode).toBe(409);
    expect(unlink.json().code).toBe('last-sign-in-method');
  });

  it('refuses to link a provider account that belongs to someone else', async () => {
    const octo = githubUser();
    github.signInAs(octo);
    expect((await finish('github', await (await authorize('github')).callback())).statusCode).toBe(200);
    const other = await createUser(context);
    const response = await finish(
      'github',
      await (await authorize('github', { token: other.accessToken })).callback(),
    );
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('oauth-account-linked-elsewhere');
  });
});
