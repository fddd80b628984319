import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The signal of the request a piece of work belongs to, without threading it through every call: the
 * HTTP layer enters it once per request (Fastify's `request.signal`, which aborts at the request's
 * deadline or when the client goes away), and the database adapters check it before starting new work.
 * Background work (queue workers, the CLI) runs outside any request and is never cancelled this way.
 */
const scope = new AsyncLocalStorage<AbortSignal>();

export function runWithSignal<T>(signal: AbortSignal, work: () => T): T {
  return scope.run(signal, work);
}

export function currentSignal(): AbortSignal | undefined {
  return scope.getStore();
}

/** The request this work is for has been answered already (its deadline passed) or abandoned. */
export class WorkCancelled extends Error {
  override name = 'WorkCancelled';
}

export function throwIfCancelled(signal: AbortSignal | undefined = currentSignal()): void {
  if (signal?.aborted)
    throw new WorkCancelled('the request was cancelled before this query started', { cause: signal.reason });
}
