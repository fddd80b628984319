import { createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { Config } from '../platform/config.ts';
import { errors } from '../platform/errors.ts';
import { userRoles } from '../platform/database/schema.ts';

export interface AuthUser {
  id: string;
  role: (typeof userRoles)[number];
}

const claimsSchema = z.object({ sub: z.uuid(), role: z.enum(userRoles) });

/** Short-lived HS256 access tokens; algorithm, issuer, audience and expiry are all pinned on verify. */
export class AccessTokens {
  // Imported once: handing jose raw bytes makes it re-import the key on every sign and verify.
  readonly #secret: KeyObject;
  readonly #issuer: string;
  readonly #audience: string;
  readonly ttlSeconds: number;

  constructor(config: Config['jwt']) {
    this.#secret = createSecretKey(config.secret);
    this.#issuer = config.issuer;
    this.#audience = config.audience;
    this.ttlSeconds = config.accessTtlSeconds;
  }

  sign(user: AuthUser): Promise<string> {
    return new SignJWT({ role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.#issuer)
      .setAudience(this.#audience)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.#secret);
  }

  async verify(token: string): Promise<AuthUser> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, {
        algorithms: ['HS256'],
        issuer: this.#issuer,
        audience: this.#audience,
        requiredClaims: ['exp', 'sub'],
      });
      const claims = claimsSchema.parse(payload);
      return { id: claims.sub, role: claims.role };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw errors.unauthenticated('The access token has expired; refresh it.');
      throw errors.unauthenticated('The access token is not valid.');
    }
  }
}

const REFRESH_TOKEN_PREFIX = 'lxr_';

/** Refresh tokens are opaque random strings; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
