import type { LoggerOptions } from 'pino';
import type { Config } from './config.ts';

/** Paths pino blanks out wherever they appear: credentials never reach the logs. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.passwordHash',
  '*.password_hash',
];

export function loggerOptions(config: Pick<Config, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      // The default request serializer logs the raw URL, whose query string may carry search text; keep
      // the path and the route template, not the query.
      req(request: { id: string; method: string; url: string; routeOptions?: { url?: string } }) {
        return {
          id: request.id,
          method: request.method,
          path: request.url.split('?')[0],
          route: request.routeOptions?.url,
        };
      },
      res(reply: { statusCode: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  };
}
