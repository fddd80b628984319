import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errors } from '../../platform/errors.ts';
import { BODY_PROBLEMS, problemResponses } from '../../platform/http/problem-responses.ts';
import { currentUser } from '../guard.ts';
import {
  oauthCallbackQuerySchema,
  oauthOutcomeSchema,
  oauthProviderParamsSchema,
  oauthStartQuerySchema,
} from '../schemas.ts';
import type { OAuthService } from './service.ts';

/** Mounted under /api/auth/oauth. */
export const oauthRoutes: FastifyPluginAsyncZod<{ service: OAuthService }> = async (app, { service }) => {
  const tags = ['auth'];

  app.get(
    '/:provider',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'startOAuth',
        summary:
          'Start signing in (or linking, with a bearer token and mode=link) with a provider: 302 to it',
        description:
          'Authorization code flow with PKCE (S256) and `state` (plus `nonce` for OpenID Connect). The provider sends the browser back to the web app, `PUBLIC_WEB_URL/oauth/callback/{provider}`, which finishes the flow server-side.',
        params: oauthProviderParamsSchema,
        querystring: oauthStartQuerySchema,
        response: {
          302: z.null().meta({ description: 'Redirect to the provider.' }),
          ...problemResponses(400, 401, 404, 431, 502, 503),
        },
      },
    },
    async (request, reply) => {
      if (request.query.mode === 'link' && !request.user)
        throw errors.unauthenticated('Linking a provider needs the signed-in user’s bearer token.');
      const url = await service.start(request.params.provider, {
        next: request.query.next ?? null,
        linkTo: request.query.mode === 'link' ? request.user : null,
      });
      return reply.code(302).header('cache-control', 'no-store').redirect(url.toString());
    },
  );

  app.get(
    '/:provider/callback',
    {
      config: { public: true },
      schema: {
        tags,
        operationId: 'finishOAuth',
        summary:
          'Finish a provider flow with the `code` and `state` it returned; answers a session (or a link)',
        params: oauthProviderParamsSchema,
        querystring: oauthCallbackQuerySchema,
        response: {
          200: oauthOutcomeSchema,
          ...problemResponses(400, 404, 409, 422, 431, 502, 503),
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return service.finish(request.params.provider, request.query);
    },
  );

  app.delete(
    '/:provider',
    {
      schema: {
        tags,
        operationId: 'unlinkOAuth',
        summary: 'Unlink a provider from the signed-in user (never the last way to sign in)',
        params: oauthProviderParamsSchema,
        response: {
          204: z.null().meta({ description: 'Unlinked.' }),
          ...problemResponses(...BODY_PROBLEMS, 401, 404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      await service.unlink(currentUser(request), request.params.provider);
      return reply.code(204).send(null);
    },
  );
};
