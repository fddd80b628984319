import { SignJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, createUser, TEST_JWT_SECRET, type TestContext } from './support/test-app.ts';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(() => context.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  context.app.inject({ method: 'POST', url, payload: payload as object, headers });

describe('registration', () => {
  it('creates an account and answers 201 with the profile, never the hash', async () => {
    const response = await post('/api/auth/register', {
      email: '  Ada@Example.ORG ',
      password: 'Analytical-Engine-1843',
      username: 'ada',
      full_name: 'Ada Lovelace',
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      email: 'ada@example.org',
      username: 'ada',
      full_name: 'Ada Lovelace',
      role: 'user',
      has_password: true,
      providers: [],
    });
    expect(JSON.stringify(body)).not.toMatch(/argon2|password_hash|Analytical/);
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const response = await post('/api/auth/register', {
      email: 'ADA@example.org',
      password: 'Another-Password-99',
    });
    expect(response.statusCode).toBe(409);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 409, code: 'email-taken' });
  });

  it('refuses a taken username', async () => {
    const response = await post('/api/auth/register', {
      email: 'other@example.org',
      password: 'Another-Password-99',
      username: 'ADA',
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('username-taken');
  });

  it.each([
    ['too short', 'short-1', 'Use at least 10 characters.'],
    ['too common', 'password123', 'This password is too common.'],
    ['not varied', 'aaaaaaaaaaaa', 'Use more varied characters.'],
  ])('enforces the password policy server-side (%s)', async (_label, password, message) => {
    const response = await post('/api/auth/register', { email: 'policy@example.org', password });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toContainEqual({ path: 'body.password', message });
  });
});

describe('login', () => {
  it('returns a bearer token pair', async () => {
    const user = await createUser(context);
    const response = await post('/api/auth/login', { email: user.email, password: user.password });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(body.access_token.split('.')).toHaveLength(3);
    expect(body.refresh_token).toMatch(/^lxr_/);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const user = await createUser(context);
    const wrongPassword = await post('/api/auth/login', {
      email: user.email,
      password: 'Not-The-Password-1',
    });
    const unknownEmail = await post('/api/auth/login', {
      email: 'nobody@example.org',
      password: 'Not-The-Password-1',
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, request_id: undefined });
    expect(strip(wrongPassword.json())).toEqual(strip(unknownEmail.json()));
  });

  it('does the same password-hashing work for unknown emails (no timing oracle)', async () => {
    const user = await createUser(context);
    const time = async (email: string) => {
      const started = performance.now();
      await post('/api/auth/login', { email, password: 'Not-The-Password-1' });
      return performance.now() - started;
    };
    // An argon2id verification costs tens of milliseconds; skipping it for unknown emails would show.
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(user.email));
      unknown.push(await time(`ghost${i}@example.org`));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[2]!;
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });
});

describe('tokens', () => {
  it('protects /api/auth/me and returns the profile with a valid token', async () => {
    const user = await createUser(context);
    expect((await context.app.inject({ method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    const me = await context.app.inject({ method: 'GET', url: '/api/auth/me', headers: user.auth });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: user.id, email: user.email });
  });

  const forge = async (
    claims: Record<string, unknown>,
    options: { secret?: string; alg?: string; exp?: string } = {},
  ) =>
    new SignJWT({ role: 'admin', ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'HS256' })
      .setIssuer((claims.iss as string) ?? 'lexikon')
      .setAudience((claims.aud as string) ?? 'lexikon-api')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));

  it('rejects tampered, foreign, expired and unsigned tokens', async () => {
    const user = await createUser(context);
    const [header, payload, signature] = user.accessToken.split('.') as [string, string, string];
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)));
    const escalated = base64url.encode(JSON.stringify({ ...claims, role: 'admin' }));
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    const tokens = {
      tampered: `${header}.${escalated}.${signature}`,
      'alg none': unsigned,
      'other secret': await forge({ sub: user.id }, { secret: 'another-secret-of-sufficient-length-000000' }),
      'wrong audience': await forge({ sub: user.id, aud: 'someone-else' }),
      'wrong issuer': await forge({ sub: user.id, iss: 'evil' }),
      expired: await forge({ sub: user.id }, { exp: '-1m' }),
      'HS512 instead of HS256': await forge({ sub: user.id }, { alg: 'HS512' }),
      garbage: 'not-a-jwt',
    };
    for (const [label, token] of Object.entries(tokens)) {
      const response = await context.app.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode, label).toBe(401);
      expect(response.json().code, label).toBe('unauthenticated');
    }
  });

  it('rotates refresh tokens and revokes the whole family when an old one is reused', async () => {
    const user = await createUser(context);
    const first = await post('/api/auth/refresh', { refresh_token: user.refreshToken });
    expect(first.statusCode).toBe(200);
    const rotated = first.json().refresh_token as string;
    expect(rotated).not.toBe(user.refreshToken);

    const second = await post('/api/auth/refresh', { refresh_token: rotated });
    expect(second.statusCode).toBe(200);
    const newest = second.json().refresh_token as string;

    // Replaying the first token (stolen, say) is detected…
    const replay = await post('/api/auth/refresh', { refresh_token: user.refreshToken });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid-refresh-token');
    // …and the legitimate newest token of that family is dead too.
    expect((await post('/api/auth/refresh', { refresh_token: newest })).statusCode).toBe(401);
  });

  it('keeps other sessions alive when one family is revoked', async () => {
    const user = await createUser(context);
    const otherDevice = (
      await post('/api/auth/login', { email: user.email, password: user.password })
    ).json();
    const rotated = (await post('/api/auth/refresh', { refresh_token: user.refreshToken })).json();
    await post('/api/auth/refresh', { refresh_token: user.refreshToken }); // reuse → revoke this family
    expect((await post('/api/auth/refresh', { refresh_token: rotated.refresh_token })).statusCode).toBe(401);
    expect((await post('/api/auth/refresh', { refresh_token: otherDevice.refresh_token })).statusCode).toBe(
      200,
    );
  });

  it('lets exactly one of two concurrent refreshes of the same token win', async () => {
    const user = await createUser(context);
    const results = await Promise.all([
      post('/api/auth/refresh', { refresh_token: user.refreshToken }),
      post('/api/auth/refresh', { refresh_token: user.refreshToken }),
    ]);
    expect(results.map((response) => response.statusCode).sort()).toEqual([200, 401]);
  });

  it('logout revokes the session and is idempotent', async () => {
    const user = await createUser(context);
    expect((await post('/api/auth/logout', { refresh_token: user.refreshToken })).statusCode).toBe(204);
    expect((await post('/api/auth/logout', { refresh_token: user.refreshToken })).statusCode).toBe(204);
    expect((await post('/api/auth/refresh', { refresh_token: user.refreshToken })).statusCode).toBe(401);
  });
});

describe('profile updates', () => {
  it('changes username and full name', async () => {
    const user = await createUser(context);
    const response = await context.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: user.auth,
      payload: { username: `u${user.id.slice(0, 8)}`, full_name: 'Grace Hopper' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ full_name: 'Grace Hopper', username: `u${user.id.slice(0, 8)}` });
  });

  it('changes the password only with the current one, and signs out other sessions', async () => {
    const user = await createUser(context);
    const denied = await context.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: user.auth,
      payload: { current_password: 'wrong-password-00', new_password: 'Brand-New-Password-7' },
    });
    expect(denied.statusCode).toBe(400);
    const changed = await context.app.inject({
      method: 'PATCH',
      url: '/api/auth/me',
      headers: user.auth,
      payload: { current_password: user.password, new_password: 'Brand-New-Password-7' },
    });
    expect(changed.statusCode).toBe(200);
    expect((await post('/api/auth/refresh', { refresh_token: user.refreshToken })).statusCode).toBe(401);
    expect((await post('/api/auth/login', { email: user.email, password: user.password })).statusCode).toBe(
      401,
    );
    expect(
      (await post('/api/auth/login', { email: user.email, password: 'Brand-New-Password-7' })).statusCode,
    ).toBe(200);
  });
});

describe('rate limits', () => {
  let limited: TestContext;
  beforeAll(async () => {
    limited = await createTestContext({
      AUTH_LOGIN_LIMIT_PER_IP: '6/60',
      AUTH_LOGIN_LIMIT_PER_ACCOUNT: '3/60',
      AUTH_REGISTER_LIMIT_PER_IP: '2/60',
    });
  });
  afterAll(() => limited.close());

  const login = (email: string, ip: string) =>
    limited.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: ip,
      payload: { email, password: 'Wrong-Password-000' },
    });

  it('limits login attempts per account, whatever the address, with Retry-After', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await login('victim@example.org', `10.0.0.${i + 1}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const blocked = await login('victim@example.org', '10.0.0.99');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.json()).toMatchObject({ code: 'rate-limited', status: 429 });
  });

  it('limits login attempts per address, across accounts', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await login(`spray${i}@example.org`, '192.0.2.7')).statusCode);
    expect(statuses.slice(0, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(statuses[6]).toBe(429);
  });

  it('limits registrations per address', async () => {
    const register = (i: number) =>
      limited.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: '198.51.100.3',
        payload: { email: `bulk${i}@example.org`, password: 'Some-Good-Password-1' },
      });
    expect((await register(1)).statusCode).toBe(201);
    expect((await register(2)).statusCode).toBe(201);
    expect((await register(3)).statusCode).toBe(429);
  });

  it('keeps its counts in the database, shared by every replica', async () => {
    const { sql } = await import('drizzle-orm');
    const result = await limited.database.db.execute(
      sql`SELECT hits FROM rate_limit_buckets WHERE key = 'login:account:victim@example.org'`,
    );
    expect(Number((result as unknown as { rows: { hits: number }[] }).rows[0]?.hits)).toBeGreaterThanOrEqual(
      5,
    );
  });
});
