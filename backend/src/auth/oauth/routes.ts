import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonProblemResponses, errors, problemSchema } from '../../platform/errors.ts';
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
        summary:
          'Start signing in (or linking, with a bearer token and mode=link) with a provider: 302 to it',
        description:
          'Authorization code flow with PKCE (S256) and `state` (plus `nonce` for OpenID Connect). The provider sends the browser back to the web app, `PUBLIC_WEB_URL/oauth/callback/{provider}`, which finishes the flow server-side.',
        params: oauthProviderParamsSchema,
        querystring: oauthStartQuerySchema,
        response: {
          302: z.null().meta({ description: 'Redirect to the provider.' }),
          404: problemSchema,
          502: problemSchema,
          ...commonProblemResponses,
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
        summary:
          'Finish a provider flow with the `code` and `state` it returned; answers a session (or a link)',
        params: oauthProviderParamsSchema,
        querystring: oauthCallbackQuerySchema,
        response: {
          200: oauthOutcomeSchema,
          404: problemSchema,
          409: problemSchema,
          422: problemSchema,
          502: problemSchema,
          ...commonProblemResponses,
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
        summary: 'Unlink a provider from the signed-in user (never the last way to sign in)',
        params: oauthProviderParamsSchema,
        response: {
          204: z.null().meta({ description: 'Unlinked.' }),
          404: problemSchema,
          409: problemSchema,
          ...commonProblemResponses,
        },
      },
    },
    async (request, reply) => {
      await service.unlink(currentUser(request), request.params.provider);
      return reply.code(204).send(null);
    },
  );
};
