import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RedirectWalker } from '../support/browser-flow.ts';
import { startFakeGitHub, type FakeGitHub } from '@lexikon/harness/fakes/github';
import { startOidcIssuer, type OidcIssuer } from '@lexikon/harness/fakes/oidc-issuer';
import { trackReliability, type ReliabilityTracker } from '@lexikon/harness/reliability/records';
import { createTestContext, type TestContext } from '../support/test-app.ts';

// Real processes on a shared 2-core machine: generous deadlines, only to detect a hang.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

// The OAuth flow's three locks, each picked against both providers: the GitHub stand-in (which, like
// GitHub, redeems a code issued for a PKCE challenge only with its verifier) and a real OpenID provider
// (panva's oidc-provider, PKCE required). oauth.test.ts covers the rest of the flow.
const WEB = 'http://127.0.0.1:9';
let github: FakeGitHub;
let google: OidcIssuer;
let context: TestContext;
let accounts = 0;

beforeAll(async () => {
  github = await startFakeGitHub();
  google = await startOidcIssuer([`${WEB}/oauth/callback/google`]);
  context = await createTestContext({
    PUBLIC_WEB_URL: WEB,
    OAUTH_ALLOW_HTTP: 'true',
    OAUTH_TIMEOUT_MS: '3000',
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_URL: github.url,
    GITHUB_API_URL: github.url,
    GOOGLE_CLIENT_ID: google.clientId,
    GOOGLE_CLIENT_SECRET: google.clientSecret,
    GOOGLE_ISSUER: google.issuer,
  });
});
afterAll(async () => {
  await context?.close();
  await github?.close();
  await google?.close();
});

type Provider = 'github' | 'google';

function signIn(provider: Provider): void {
  const n = ++accounts;
  if (provider === 'github')
    github.signInAs({
      id: 50_000 + n,
      login: `lock${n}`,
      name: null,
      email: null,
      emails: [{ email: `lock${n}@users.example`, primary: true, verified: true, visibility: 'private' }],
    });
  else google.signInAs({ sub: `lock-${n}`, email: `lock${n}@gmail.example`, email_verified: true });
}

/** Starts a flow, checks that it asks for PKCE S256 and a state, and walks to the web app's callback. */
async function callback(provider: Provider): Promise<URL> {
  const start = await context.app.inject({ method: 'GET', url: `/api/auth/oauth/${provider}` });
  expect(start.statusCode).toBe(302);
  const location = new URL(String(start.headers.location));
  expect(location.searchParams.get('code_challenge_method')).toBe('S256');
  expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  expect(location.searchParams.get('state')).toMatch(/^[\w-]{32,}$/);
  return new RedirectWalker(WEB).walk(location.href);
}

const finish = (provider: Provider, url: URL) =>
  context.app.inject({ method: 'GET', url: `/api/auth/oauth/${provider}/callback${url.search}` });

async function refused(
  record: ReliabilityTracker,
  provider: Provider,
  url: URL,
  code: string,
): Promise<{ status: number; code: string }> {
  const response = await finish(provider, url);
  record.add('attacks sent');
  const outcome = { status: response.statusCode, code: String(response.json().code) };
  if (outcome.status === 400 && outcome.code === code) record.add('refused');
  return outcome;
}

describe.each(['github', 'google'] as const)('OAuth with %s', (provider) => {
  it('refuses a forged state, a replayed code and a wrong PKCE verifier; the honest flow succeeds', async () => {
    const record = await trackReliability({
      id: `control-oauth-${provider}`,
      kind: 'control',
      title: `OAuth (${provider === 'github' ? 'GitHub stand-in' : 'real OpenID provider'}): forged state, replayed code, wrong PKCE verifier`,
      injected:
        'A callback with a state we never issued; a code already redeemed, under a fresh state; a flow whose stored PKCE verifier was replaced',
      expected:
        '400 oauth-state-invalid for the state, 400 oauth-code-invalid for the code and the verifier; nothing signed in',
    });
    signIn(provider);
    const honest = await callback(provider);
    const forged = new URL(honest);
    forged.searchParams.set('state', 'a-state-this-server-never-issued-0123456789');
    const forgedOutcome = await refused(record, provider, forged, 'oauth-state-invalid');

    const signedIn = await finish(provider, honest);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    record.add('honest flows signed in');

    signIn(provider);
    const fresh = await callback(provider);
    const replayed = new URL(fresh);
    replayed.searchParams.set('code', honest.searchParams.get('code')!);
    const replayOutcome = await refused(record, provider, replayed, 'oauth-code-invalid');

    signIn(provider);
    const tampered = await callback(provider);
    const stateHash = createHash('sha256').update(tampered.searchParams.get('state')!).digest('hex');
    // What an attacker who injects their own code would amount to: the verifier no longer fits the challenge.
    await context.database.db.execute(
      sql`UPDATE oauth_states SET code_verifier = ${'w'.repeat(43)} WHERE state_hash = ${stateHash}`,
    );
    const verifierOutcome = await refused(record, provider, tampered, 'oauth-code-invalid');

    record.observe(
      `forged state → ${forgedOutcome.status} ${forgedOutcome.code}; replayed code → ${replayOutcome.status} ${replayOutcome.code}; wrong verifier → ${verifierOutcome.status} ${verifierOutcome.code}; honest flow → 200`,
    );
    expect(forgedOutcome).toEqual({ status: 400, code: 'oauth-state-invalid' });
    expect(replayOutcome).toEqual({ status: 400, code: 'oauth-code-invalid' });
    expect(verifierOutcome).toEqual({ status: 400, code: 'oauth-code-invalid' });
  });
});
