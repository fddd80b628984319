import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { currentUser } from '../auth/guard.ts';
import { problemResponses } from '../platform/http/problem-responses.ts';
import { auditPageSchema, auditQuerySchema } from './schemas.ts';
import type { AuditService } from './service.ts';

/** Mounted at /api/audit. */
export const auditRoutes: FastifyPluginAsyncZod<{ service: AuditService }> = async (app, { service }) => {
  app.get(
    '',
    {
      schema: {
        tags: ['audit'],
        operationId: 'listAuditEvents',
        summary:
          'The audit log, newest first (administrators): sign-ins and failures, sessions revoked, roles granted and revoked, vocabularies created, changed and deleted, admin actions',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...problemResponses(400, 401, 403, 431, 503) },
      },
    },
    async (request) => service.page(request.query, currentUser(request)),
  );
};
