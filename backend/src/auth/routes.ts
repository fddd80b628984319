import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { commonProblemResponses, problemSchema } from '../platform/errors.ts';
import { currentUser } from './guard.ts';
import {
  authProvidersSchema,
  loginBodySchema,
  refreshTokenBodySchema,
  registerBodySchema,
  tokenPairSchema,
  updateProfileBodySchema,
  userProfileSchema,
} from './schemas.ts';
import type { OAuthService } from './oauth/service.ts';
import type { AuthService } from './service.ts';

export const authRoutes: FastifyPluginAsyncZod<{ service: AuthService; oauth: OAuthService }> = async (
  app,
  { service, oauth },
) => {
  const tags = ['auth'];

  app.post(
    '/register',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'Create an account with email and password',
        body: registerBodySchema,
        response: { 201: userProfileSchema, 409: problemSchema, ...commonProblemResponses },
      },
    },
    async (request, reply) => reply.code(201).send(await service.register(request.body, request.ip)),
  );

  app.post(
    '/login',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'Exchange email and password for an access token and a refresh token',
        body: loginBodySchema,
        response: { 200: tokenPairSchema, ...commonProblemResponses },
      },
    },
    async (request) => service.login(request.body, request.ip),
  );

  app.post(
    '/refresh',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'Rotate a refresh token; reusing an old one revokes the whole session family',
        body: refreshTokenBodySchema,
        response: { 200: tokenPairSchema, ...commonProblemResponses },
      },
    },
    async (request) => service.refresh(request.body.refresh_token),
  );

  app.post(
    '/logout',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'Revoke the session a refresh token belongs to',
        body: refreshTokenBodySchema,
        response: { 204: z.null().meta({ description: 'Signed out.' }), ...commonProblemResponses },
      },
    },
    async (request, reply) => {
      await service.logout(request.body.refresh_token);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/providers',
    {
      config: { public: true },
      schema: {
        tags,
        security: [],
        summary: 'Sign-in methods this server offers (OAuth providers appear once configured)',
        response: { 200: authProvidersSchema },
      },
    },
    async () => ({ password: true, providers: oauth.configuredProviders() }),
  );

  app.get(
    '/me',
    {
      schema: {
        tags,
        summary: 'The signed-in user',
        response: { 200: userProfileSchema, ...commonProblemResponses },
      },
    },
    async (request) => service.profile(currentUser(request).id),
  );

  app.patch(
    '/me',
    {
      schema: {
        tags,
        summary: 'Update the signed-in user (username, full name, password)',
        body: updateProfileBodySchema,
        response: { 200: userProfileSchema, 409: problemSchema, ...commonProblemResponses },
      },
    },
    async (request) => service.updateProfile(currentUser(request).id, request.body),
  );
};
