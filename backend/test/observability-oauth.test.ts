import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedirectWalker } from './support/browser-flow.ts';
import { startFakeGitHub, type FakeGitHub } from '@lexikon/harness/fakes/github';
import { createTestContext, type TestContext } from './support/test-app.ts';

const WEB = 'http://127.0.0.1:9'; // providers redirect there; nobody fetches it
let github: FakeGitHub;
let context: TestContext;

beforeAll(async () => {
  github = await startFakeGitHub();
  context = await createTestContext({
    PUBLIC_WEB_URL: WEB,
    OAUTH_ALLOW_HTTP: 'true',
    GITHUB_CLIENT_ID: github.clientId,
    GITHUB_CLIENT_SECRET: github.clientSecret,
    GITHUB_URL: github.url,
    GITHUB_API_URL: github.url,
  });
});
afterAll(async () => {
  await context?.close();
  await github?.close();
});

function attempts(text: string, method: string, outcome: string): number {
  const line = text
    .split('\n')
    .find((entry) => entry.startsWith(`auth_attempts_total{method="${method}",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('auth_attempts_total for providers', () => {
  it('counts a GitHub sign-in as a success, a forged state as a failure, an unknown provider not at all', async () => {
    github.signInAs({
      id: 4242,
      login: 'metrics-octo',
      name: 'Metrics Octo',
      email: null,
      emails: [{ email: 'metrics-octo@users.example', primary: true, verified: true, visibility: 'private' }],
    });
    const start = await context.app.inject({ method: 'GET', url: '/api/auth/oauth/github' });
    expect(start.statusCode).toBe(302);
    const callback = await new RedirectWalker(WEB).walk(String(start.headers.location));
    const finish = (search: string, provider = 'github') =>
      context.app.inject({ method: 'GET', url: `/api/auth/oauth/${provider}/callback${search}` });
    expect((await finish(callback.search)).statusCode).toBe(200);
    expect((await finish('?code=x&state=forged-state-value')).statusCode).toBe(400);
    expect((await finish('?code=x&state=y', 'myspace')).statusCode).toBe(404);

    const text = (await context.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(attempts(text, 'github', 'success')).toBe(1);
    expect(attempts(text, 'github', 'failure')).toBe(1);
    expect(text).not.toContain('method="myspace"');
  });
});
