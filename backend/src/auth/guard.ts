import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errors } from '../platform/errors.ts';
import { policy } from './policy.ts';
import type { AccessTokens, AuthUser } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth guard on every route that is not declared public. */
    user: AuthUser | null;
  }
  interface FastifyContextConfig {
    /** Opt-out of authentication. Routes are protected unless they say otherwise. */
    public?: boolean;
    /**
     * Readable without signing in (public vocabularies), but a token that is sent must be valid: a client
     * whose session expired gets a 401 and refreshes, rather than silently reading as a stranger.
     */
    anonymous?: boolean;
  }
}

/**
 * Protects every route registered in the scope it is registered in. A new route needs a bearer token
 * unless its options say `config: { public: true }`.
 */
export const authGuard = fp(
  async (app: FastifyInstance, options: { accessTokens: AccessTokens }) => {
    app.decorateRequest('user', null);
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config.public === true) {
        // Public routes still learn who is calling when a valid token is sent.
        if (request.headers.authorization)
          request.user = await tryAuthenticate(request, options.accessTokens);
        return;
      }
      if (request.routeOptions.config.anonymous === true && !request.headers.authorization) return;
      request.user = await authenticate(request, options.accessTokens);
    });
  },
  { name: 'auth-guard' },
);

async function authenticate(request: FastifyRequest, accessTokens: AccessTokens): Promise<AuthUser> {
  const header = request.headers.authorization;
  if (!header) throw errors.unauthenticated();
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match?.[1]) throw errors.unauthenticated('The Authorization header must be "Bearer <access token>".');
  return accessTokens.verify(match[1]);
}

async function tryAuthenticate(
  request: FastifyRequest,
  accessTokens: AccessTokens,
): Promise<AuthUser | null> {
  try {
    return await authenticate(request, accessTokens);
  } catch {
    return null;
  }
}

/** The caller of a route open to anonymous readers: null when no token was sent. */
export function optionalUser(request: FastifyRequest): AuthUser | null {
  return request.user;
}

/** The authenticated user of a protected route (the guard guarantees it is set). */
export function currentUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw errors.unauthenticated();
  return request.user;
}

export function requireAdmin(request: FastifyRequest): AuthUser {
  const user = currentUser(request);
  policy.assertReviewer(user);
  return user;
}
