import type { Database } from '../platform/database/client.ts';
import { errors } from '../platform/errors.ts';
import type { Counts, SystemRepository } from './repository.ts';

const READY_PING_TIMEOUT_MS = 2000;

/** Readiness and counts: what the load balancer and the home page ask. */
export class SystemService {
  readonly #database: Database;
  readonly #repository: SystemRepository;

  constructor(deps: { database: Database; repository: SystemRepository }) {
    this.#database = deps.database;
    this.#repository = deps.repository;
  }

  get databaseKind(): Database['kind'] {
    return this.#database.kind;
  }

  /** Resolves when the database answers within 2 s; a 503 problem otherwise. */
  async ready(): Promise<void> {
    await this.#database.ping(READY_PING_TIMEOUT_MS).catch((error: unknown) => {
      throw errors.serviceUnavailable('The database does not answer; try again shortly.', error);
    });
  }

  counts(): Promise<Counts> {
    return this.#repository.counts(this.#database.db);
  }
}
