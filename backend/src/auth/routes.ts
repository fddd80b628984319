import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
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
        operationId: 'register',
        summary: 'Create an account with email and password',
        body: registerBodySchema,
        response: { 201: userProfileSchema, ...problemResponses(...BODY_PROBLEMS, 409, 429, 503) },
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
        operationId: 'login',
        summary: 'Exchange email and password for an access token and a refresh token',
        body: loginBodySchema,
        response: { 200: tokenPairSchema, ...problemResponses(...BODY_PROBLEMS, 401, 429, 503) },
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
        operationId: 'refresh',
        summary: 'Rotate a refresh token; reusing an old one revokes the whole session family',
        body: refreshTokenBodySchema,
        response: { 200: tokenPairSchema, ...problemResponses(...BODY_PROBLEMS, 401, 503) },
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
        operationId: 'logout',
        summary: 'Revoke the session a refresh token belongs to',
        body: refreshTokenBodySchema,
        response: {
          204: z.null().meta({ description: 'Signed out.' }),
          ...problemResponses(...BODY_PROBLEMS, 503),
        },
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
        operationId: 'authProviders',
        summary: 'Sign-in methods this server offers (OAuth providers appear once configured)',
        response: { 200: authProvidersSchema, ...problemResponses() },
      },
    },
    async () => ({ password: true, providers: oauth.configuredProviders() }),
  );

  app.get(
    '/me',
    {
      schema: {
        tags,
        operationId: 'getProfile',
        summary: 'The signed-in user',
        response: { 200: userProfileSchema, ...problemResponses(401, 503) },
      },
    },
    async (request) => service.profile(currentUser(request).id),
  );

  app.patch(
    '/me',
    {
      schema: {
        tags,
        operationId: 'updateProfile',
        summary: 'Update the signed-in user (username, full name, password)',
        body: updateProfileBodySchema,
        response: { 200: userProfileSchema, ...problemResponses(...BODY_PROBLEMS, 401, 409, 503) },
      },
    },
    async (request) => service.updateProfile(currentUser(request).id, request.body),
  );
};
