import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What a request's work may need to know of where it came from, without HTTP reaching services: the
 * client's address, for the audit log. Set once per request by the HTTP layer; `cli` for commands.
 */
export interface RequestContext {
  sourceAddress: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current request's address; `internal` for background work (workers), which has no client. */
export function currentSourceAddress(): string {
  return storage.getStore()?.sourceAddress ?? 'internal';
}
