import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currentUser } from '../auth/guard.ts';
import { BODY_PROBLEMS, problemResponses } from '../platform/http/problem-responses.ts';
import { vocabularySlugParamsSchema } from '../vocabularies/schemas.ts';
import {
  createWebhookBodySchema,
  createdWebhookSchema,
  deliveriesPageSchema,
  deliveriesQuerySchema,
  deliveryParamsSchema,
  deliverySchema,
  updateWebhookBodySchema,
  webhookListSchema,
  webhookParamsSchema,
  webhookSchema,
} from './schemas.ts';
import type { WebhooksService } from './service.ts';

/** Mounted at /api/vocabularies: a vocabulary's webhooks, for its owners. */
export const webhookRoutes: FastifyPluginAsyncZod<{ service: WebhooksService }> = async (
  app,
  { service },
) => {
  const tags = ['webhooks'];

  app.get(
    '/:slug/webhooks',
    {
      schema: {
        tags,
        operationId: 'listWebhooks',
        summary: "A vocabulary's webhooks with their delivery counts (owners)",
        params: vocabularySlugParamsSchema,
        response: { 200: webhookListSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => service.list(request.params.slug, currentUser(request)),
  );

  app.post(
    '/:slug/webhooks',
    {
      schema: {
        tags,
        operationId: 'createWebhook',
        summary: 'Add a webhook (owners); the answer holds its signing secret, shown this once',
        params: vocabularySlugParamsSchema,
        body: createWebhookBodySchema,
        response: { 201: createdWebhookSchema, ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 503) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(request.params.slug, request.body, currentUser(request))),
  );

  app.patch(
    '/:slug/webhooks/:id',
    {
      schema: {
        tags,
        operationId: 'updateWebhook',
        summary: 'Change a webhook: its URL, events, description, or pause it (`active: false`)',
        params: webhookParamsSchema,
        body: updateWebhookBodySchema,
        response: { 200: webhookSchema, ...problemResponses(...BODY_PROBLEMS, 401, 403, 404, 503) },
      },
    },
    async (request) =>
      service.update(request.params.slug, request.params.id, request.body, currentUser(request)),
  );

  app.delete(
    '/:slug/webhooks/:id',
    {
      schema: {
        tags,
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook and its delivery log',
        params: webhookParamsSchema,
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      await service.delete(request.params.slug, request.params.id, currentUser(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/:slug/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        operationId: 'listWebhookDeliveries',
        summary: "A webhook's deliveries, newest first, each with its attempts (status, error, duration)",
        params: webhookParamsSchema,
        querystring: deliveriesQuerySchema,
        response: { 200: deliveriesPageSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) =>
      service.deliveries(request.params.slug, request.params.id, request.query, currentUser(request)),
  );

  app.post(
    '/:slug/webhooks/:id/deliveries/:delivery/redeliver',
    {
      schema: {
        tags,
        operationId: 'redeliverWebhook',
        summary: 'Send a delivery’s event again (a new delivery, the same event id)',
        params: deliveryParamsSchema,
        response: { 202: deliverySchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await service.redeliver(
            request.params.slug,
            request.params.id,
            request.params.delivery,
            currentUser(request),
          ),
        ),
  );
};
