import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { errors } from '../errors.ts';

/**
 * Optimistic locking, the same way for every editable resource: the client names the version it edited,
 * as the ETag it read (If-Match) or a `version` field in the body.
 */
export const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .meta({ description: 'ETag of the version being changed, e.g. "3".' }),
});

export function expectedVersion(
  request: FastifyRequest,
  bodyVersion: number | undefined,
): { version: number; source: 'if-match' | 'body' } | undefined {
  const header = request.headers['if-match'];
  if (typeof header === 'string') {
    const match = /^(?:W\/)?"(\d{1,9})"$/.exec(header.trim());
    if (!match?.[1])
      throw errors.validation([
        { path: 'headers.if-match', message: 'Expected an ETag such as "3", as returned by GET.' },
      ]);
    return { version: Number(match[1]), source: 'if-match' };
  }
  return bodyVersion === undefined ? undefined : { version: bodyVersion, source: 'body' };
}
