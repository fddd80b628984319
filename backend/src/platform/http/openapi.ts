import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { PROBLEM_CONTENT_TYPE } from '../errors.ts';
import { addOpenApiLinks } from './openapi-links.ts';
import { problemStatusDescriptions } from './problem-responses.ts';

/** OpenAPI 3.1 generated from the routes' zod schemas; served at /openapi.json, browsable at /docs. */
export const openApiPlugin = fp(
  async (app: FastifyInstance, options: { version: string }) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Lexikon API',
          version: options.version,
          description:
            'Build, review and serve validated lexical ontologies. Errors are RFC 9457 problem+json documents.',
        },
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          },
        },
        security: [{ bearerAuth: [] }],
      },
      transform: jsonSchemaTransform,
      transformObject: (input) => addOpenApiLinks(declareProblems(jsonSchemaTransformObject(input))),
    });
    await app.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      transformStaticCSP: docsContentSecurityPolicy,
      // No badge from validator.swagger.io: the page would tell a third party where our docs are.
      uiConfig: { deepLinking: true, validatorUrl: null },
    });
    app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  },
  { name: 'openapi' },
);

/**
 * The docs UI's own policy lets any site of ours frame it and pulls fonts and styles from any https
 * origin; the API's stricter one fits it too (its scripts are files, plus the hashes the UI computed for
 * its inline snippets), with no framing at all.
 */
function docsContentSecurityPolicy(uiPolicy: string): string {
  const scriptHashes = (
    uiPolicy.split(';').find((directive) => directive.trim().startsWith('script-src ')) ?? ''
  )
    .trim()
    .split(/\s+/)
    .filter((source) => /^'(sha256|sha384|sha512|nonce)-/.test(source));
  return [
    "default-src 'none'",
    "base-uri 'none'",
    "connect-src 'self'",
    "font-src 'self'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    ["script-src 'self'", ...scriptHashes].join(' '),
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
  ].join('; ');
}

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: { $ref?: string } }>;
  headers?: Record<string, unknown>;
}
type Document = ReturnType<typeof jsonSchemaTransformObject>;

const PROBLEM_REF = '#/components/schemas/Problem';
const retryAfter = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } },
};

/**
 * The error handler sends every problem as `application/problem+json`: the document says so (zod routes
 * can only declare a schema, which the generator files under application/json), describes each status
 * from one table, and names the headers that come with 401, 429 and 503.
 */
function declareProblems(document: Document): Document {
  const paths = (
    document as { paths?: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>> }
  ).paths;
  for (const methods of Object.values(paths ?? {}))
    for (const operation of Object.values(methods))
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (json?.schema?.$ref !== PROBLEM_REF) continue;
        response.content = { [PROBLEM_CONTENT_TYPE]: json };
        const description =
          problemStatusDescriptions[Number(status) as keyof typeof problemStatusDescriptions];
        if (description && (!response.description || response.description === 'Default Response'))
          response.description = description;
        if (status === '429' || status === '503') response.headers = { ...response.headers, ...retryAfter };
        if (status === '401')
          response.headers = {
            ...response.headers,
            'WWW-Authenticate': {
              description: 'The expected scheme, when a token is missing or invalid.',
              schema: { type: 'string' },
            },
          };
      }
  return document;
}
