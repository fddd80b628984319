import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runWithSignal } from '../cancellation.ts';
import { errors } from '../errors.ts';
import { sendProblem } from './error-handler.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Aborts when the request's deadline passes (it has been answered 503) or the client goes away. */
    deadlineSignal: AbortSignal;
  }
}

/**
 * Every request gets a real deadline: past `timeoutMs` it is answered with a 503 problem, and its signal
 * aborts, so the database adapters start no further query for it (platform/cancellation). The signal also
 * aborts when the client disconnects before the answer is complete.
 *
 * Not Fastify's own `handlerTimeout`: in Fastify 5.12 its signal aborts, and its timer is cleared, as soon
 * as a request body has been read (the request's 'close' event; fastify/fastify#6725), which would make
 * every POST look cancelled and leave it without a deadline.
 */
export const deadlinePlugin = fp(
  async (app: FastifyInstance, options: { timeoutMs: number }) => {
    app.decorateRequest('deadlineSignal', null as unknown as AbortSignal);
    app.addHook('onRequest', (request, reply, done) => {
      const controller = new AbortController();
      request.deadlineSignal = controller.signal;
      const timer = setTimeout(() => {
        controller.abort(new Error(`deadline of ${options.timeoutMs} ms passed`));
        if (reply.sent || reply.raw.headersSent) return;
        request.log.warn({ timeoutMs: options.timeoutMs }, 'request deadline passed');
        void sendProblem(reply, errors.deadlineExceeded(options.timeoutMs), request);
      }, options.timeoutMs);
      timer.unref();
      reply.raw.once('close', () => {
        clearTimeout(timer);
        // Closed before the whole answer went out: the client is gone, nobody needs the rest of the work.
        if (!reply.raw.writableFinished) controller.abort(new Error('the client disconnected'));
      });
      runWithSignal(controller.signal, done);
    });
  },
  { name: 'deadline', dependencies: ['error-handler'] },
);
