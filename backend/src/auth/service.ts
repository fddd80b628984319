import type { AuditRecorder } from '../audit/recorder.ts';
import { randomUUID } from 'node:crypto';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/database/client.ts';
import { isUniqueViolation } from '../platform/database/errors.ts';
import { countAuthAttempt, type Metrics, type RateLimitName } from '../observability/metrics.ts';
import { errors } from '../platform/errors.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import type { RateLimiter } from './rate-limiter.ts';
import type { AuthRepository, UserWithProviders } from './repository.ts';
import type { LoginBody, RegisterBody, TokenPair, UpdateProfileBody, UserProfile } from './schemas.ts';
import { hashRefreshToken, newRefreshToken, type AccessTokens, type AuthUser } from './tokens.ts';

export interface AuthServiceDeps {
  db: Db;
  repository: AuthRepository;
  accessTokens: AccessTokens;
  rateLimiter: RateLimiter;
  rateLimits: Config['rateLimits'];
  refreshTokenTtlDays: number;
  /** Attempt and rate-limit counters; optional so scripts can build the service without a registry. */
  metrics?: Metrics;
  audit: AuditRecorder;
}

export class AuthService {
  readonly #deps: AuthServiceDeps;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
  }

  async register(body: RegisterBody, clientIp: string): Promise<UserProfile> {
    await this.#enforce('register_ip', `register:ip:${clientIp}`, this.#deps.rateLimits.registerPerIp);
    const passwordHash = await hashPassword(body.password);
    try {
      const user = await this.#deps.repository.insertUser(this.#deps.db, {
        email: body.email,
        passwordHash,
        username: body.username ?? null,
        fullName: body.full_name ?? null,
      });
      await this.#deps.audit.record(this.#deps.db, {
        action: 'account.created',
        actorId: user.id,
        actorEmail: user.email,
      });
      return toProfile({ ...user, providers: [] });
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) throw errors.emailTaken();
      if (isUniqueViolation(error, 'users_username_key')) throw errors.usernameTaken();
      throw error;
    }
  }

  /** Same answer and the same work for an unknown email and a wrong password: no account enumeration. */
  login(body: LoginBody, clientIp: string): Promise<TokenPair> {
    return countAuthAttempt(this.#deps.metrics, 'password', async () => {
      await this.#enforce('login_ip', `login:ip:${clientIp}`, this.#deps.rateLimits.loginPerIp);
      await this.#enforce(
        'login_account',
        `login:account:${body.email}`,
        this.#deps.rateLimits.loginPerAccount,
      );
      const user = await this.#deps.repository.findUserByEmail(this.#deps.db, body.email);
      const valid = user?.passwordHash
        ? await verifyPassword(user.passwordHash, body.password)
        : await verifyAgainstDecoy(body.password);
      if (!user || !valid) {
        await this.#deps.audit.record(this.#deps.db, {
          action: 'auth.sign_in_failed',
          actorId: user?.id ?? null,
          actorEmail: body.email,
          details: { method: 'password', reason: user ? 'wrong_password' : 'unknown_email' },
        });
        throw errors.invalidCredentials();
      }
      const session = await this.issueSession({ id: user.id, role: user.role });
      await this.#deps.audit.record(this.#deps.db, {
        action: 'auth.sign_in',
        actorId: user.id,
        details: { method: 'password' },
      });
      return session;
    });
  }

  /** Starts a new refresh-token family for a user who just proved who they are. */
  async issueSession(user: AuthUser): Promise<TokenPair> {
    const refresh = newRefreshToken();
    await this.#deps.repository.insertRefreshToken(this.#deps.db, {
      userId: user.id,
      familyId: randomUUID(),
      tokenHash: refresh.hash,
      ttlDays: this.#deps.refreshTokenTtlDays,
    });
    return this.#tokenPair(user, refresh.token);
  }

  /**
   * Rotates a refresh token. Presenting one that was already rotated means it leaked (or the client
   * raced itself): the whole family is revoked, committed, and the caller must sign in again.
   */
  refresh(refreshToken: string): Promise<TokenPair> {
    return countAuthAttempt(this.#deps.metrics, 'refresh', () => this.#rotate(refreshToken));
  }

  async #rotate(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.#deps.db.transaction(async (tx) => {
      const stored = await this.#deps.repository.lockRefreshToken(tx, hashRefreshToken(refreshToken));
      if (!stored || stored.revokedAt || stored.expired) return { kind: 'invalid' as const };
      if (stored.usedAt) {
        await this.#deps.repository.revokeFamily(tx, stored.familyId);
        await this.#deps.audit.record(tx, {
          action: 'auth.session_revoked',
          actorId: stored.userId,
          details: { reason: 'refresh_token_reuse' },
        });
        return { kind: 'reused' as const };
      }
      const user = await this.#deps.repository.findUserById(tx, stored.userId);
      if (!user) return { kind: 'invalid' as const };
      await this.#deps.repository.markRefreshTokenUsed(tx, stored.id);
      const next = newRefreshToken();
      await this.#deps.repository.insertRefreshToken(tx, {
        userId: user.id,
        familyId: stored.familyId,
        tokenHash: next.hash,
        ttlDays: this.#deps.refreshTokenTtlDays,
      });
      return { kind: 'rotated' as const, user: { id: user.id, role: user.role }, token: next.token };
    });
    if (outcome.kind === 'reused')
      throw errors.invalidRefreshToken(
        'This refresh token was already used; every session it belongs to is now revoked.',
      );
    if (outcome.kind === 'invalid') throw errors.invalidRefreshToken();
    return this.#tokenPair(outcome.user, outcome.token);
  }

  /** Revokes the session the token belongs to. Unknown tokens are ignored: logout is idempotent. */
  async logout(refreshToken: string): Promise<void> {
    await this.#deps.db.transaction(async (tx) => {
      const stored = await this.#deps.repository.lockRefreshToken(tx, hashRefreshToken(refreshToken));
      if (!stored) return;
      await this.#deps.repository.revokeFamily(tx, stored.familyId);
      await this.#deps.audit.record(tx, { action: 'auth.sign_out', actorId: stored.userId });
    });
  }

  async profile(userId: string): Promise<UserProfile> {
    const user = await this.#deps.repository.findUserById(this.#deps.db, userId);
    if (!user) throw errors.unauthenticated('This account no longer exists.');
    return toProfile(user);
  }

  async updateProfile(userId: string, body: UpdateProfileBody): Promise<UserProfile> {
    const user = await this.#deps.repository.findUserById(this.#deps.db, userId);
    if (!user) throw errors.unauthenticated('This account no longer exists.');
    let passwordHash: string | undefined;
    if (body.new_password !== undefined) {
      const currentValid =
        user.passwordHash !== null && (await verifyPassword(user.passwordHash, body.current_password ?? ''));
      if (!currentValid)
        throw errors.validation([
          { path: 'body.current_password', message: 'The current password is not correct.' },
        ]);
      passwordHash = await hashPassword(body.new_password);
    }
    try {
      await this.#deps.db.transaction(async (tx) => {
        await this.#deps.repository.updateUser(tx, userId, {
          ...(body.username === undefined ? {} : { username: body.username }),
          ...(body.full_name === undefined ? {} : { fullName: body.full_name }),
          ...(passwordHash === undefined ? {} : { passwordHash }),
        });
        // A password change signs out every other device.
        if (passwordHash !== undefined) await this.#deps.repository.revokeAllForUser(tx, userId);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'users_username_key')) throw errors.usernameTaken();
      throw error;
    }
    return this.profile(userId);
  }

  async #tokenPair(user: AuthUser, refreshToken: string): Promise<TokenPair> {
    return {
      access_token: await this.#deps.accessTokens.sign(user),
      refresh_token: refreshToken,
      token_type: 'bearer',
      expires_in: this.#deps.accessTokens.ttlSeconds,
    };
  }

  async #enforce(limit: RateLimitName, key: string, rule: Config['rateLimits']['loginPerIp']): Promise<void> {
    const decision = await this.#deps.rateLimiter.consume(key, rule);
    if (decision.allowed) return;
    this.#deps.metrics?.auth.rateLimitRejections.inc({ limit });
    throw errors.tooManyRequests(decision.retryAfterSeconds);
  }
}

export function toProfile(user: UserWithProviders): UserProfile {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    full_name: user.fullName,
    role: user.role,
    has_password: user.passwordHash !== null,
    providers: user.providers,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
