import { generateKeyPairSync } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashRefreshToken } from '../../src/auth/tokens.ts';
import { rowsOf } from '../../src/platform/database/client.ts';
import { trackReliability } from '@lexikon/harness/reliability/records';
import { createTestContext, createUser, TEST_JWT_SECRET, type TestContext } from '../support/test-app.ts';

// Access tokens are HS256 JWTs whose algorithm, issuer, audience and expiry are pinned on verification;
// refresh tokens rotate, and reusing a rotated one revokes its whole family. Every forgery below claims
// the admin role, so a guard that let one through would also be a privilege escalation.
let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(() => context.close());

const secret = new TextEncoder().encode(TEST_JWT_SECRET);
const encodeJson = (value: unknown) => base64url.encode(JSON.stringify(value));

describe('access tokens', () => {
  it('refuses every forged, foreign, expired or altered token with 401', async () => {
    const record = await trackReliability({
      id: 'control-jwt',
      kind: 'control',
      title: 'Forged and altered access tokens are refused',
      injected:
        'JWTs with alg none, RS256 (a key of the attacker’s), HS512, HS256 under another secret, wrong aud, wrong iss, expired, without exp, payload tampered (role: admin), garbage',
      expected: '401 problem (unauthenticated) for each on a protected route; the genuine token works',
    });
    const user = await createUser(context);
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const forge = (options: { alg?: string; iss?: string; aud?: string; exp?: string | null } = {}) => {
      const jwt = new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(options.iss ?? 'lexikon')
        .setAudience(options.aud ?? 'lexikon-api')
        .setIssuedAt();
      if (options.exp !== null) jwt.setExpirationTime(options.exp ?? '5m');
      return jwt;
    };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged: Record<string, string> = {
      'alg none': `${encodeJson({ alg: 'none', typ: 'JWT' })}.${encodeJson({ ...claims, role: 'admin' })}.`,
      'alg none, no dot': `${encodeJson({ alg: 'none' })}.${payload}`,
      RS256: await forge({ alg: 'RS256' }).sign(privateKey),
      HS512: await forge({ alg: 'HS512' }).sign(secret),
      'HS256, another secret': await forge().sign(new TextEncoder().encode('x'.repeat(64))),
      'wrong audience': await forge({ aud: 'another-api' }).sign(secret),
      'wrong issuer': await forge({ iss: 'https://evil.example' }).sign(secret),
      expired: await forge({ exp: '-10s' }).sign(secret),
      'no expiry': await forge({ exp: null }).sign(secret),
      'payload tampered': `${header}.${encodeJson({ ...claims, role: 'admin' })}.${signature}`,
      'signature stripped': `${header}.${payload}.`,
      garbage: 'definitely.not.a-jwt',
    };
    const me = (token: string) =>
      context.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await me(user.accessToken)).statusCode).toBe(200);
    const accepted: string[] = [];
    for (const [label, token] of Object.entries(forged)) {
      const response = await me(token);
      record.add('forged tokens sent');
      if (response.statusCode === 401 && response.json().code === 'unauthenticated') record.add('401');
      else accepted.push(`${label}: ${response.statusCode}`);
    }
    record.observe(
      accepted.length === 0
        ? `all ${Object.keys(forged).length} forgeries answered 401 unauthenticated; the genuine token 200`
        : `accepted: ${accepted.join(', ')}`,
    );
    expect(accepted).toEqual([]);
  });
});

describe('refresh tokens', () => {
  it('revokes the whole family when a rotated refresh token is reused', async () => {
    const record = await trackReliability({
      id: 'control-refresh-reuse',
      kind: 'control',
      title: 'Refresh-token reuse revokes the family',
      injected: 'A refresh token used twice (rotated once, then replayed as a thief would)',
      expected:
        'The replay is refused (401) and every token of that family is revoked; other sessions live on',
    });
    const user = await createUser(context);
    const otherSession = (
      await context.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: user.password },
      })
    ).json().refresh_token as string;
    const refresh = (token: string) =>
      context.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
    const rotated = await refresh(user.refreshToken);
    expect(rotated.statusCode).toBe(200);
    const replay = await refresh(user.refreshToken);
    const successor = await refresh(rotated.json().refresh_token);
    const other = await refresh(otherSession);
    const [family] = rowsOf<{ live: number; total: number }>(
      await context.database.db.execute(sql`
        SELECT count(*) FILTER (WHERE revoked_at IS NULL)::int AS live, count(*)::int AS total
          FROM refresh_tokens WHERE family_id = (
            SELECT family_id FROM refresh_tokens WHERE token_hash = ${hashRefreshToken(user.refreshToken)})`),
    );
    record.set('refreshes sent', 4);
    record.set('family tokens', family!.total);
    record.set('family tokens still live', family!.live);
    record.observe(
      `replay ${replay.statusCode}, its rotated successor ${successor.statusCode}, ${family!.live}/${family!.total} tokens of the family live; another session ${other.statusCode}`,
    );
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid-refresh-token');
    expect(successor.statusCode).toBe(401);
    expect(family!.live).toBe(0);
    expect(other.statusCode).toBe(200);
  });
});
