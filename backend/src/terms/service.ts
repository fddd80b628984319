import type { AuthUser } from '../auth/tokens.ts';
import type { GraphChangeRecorder } from '../graph/outbox/recorder.ts';
import type { Db } from '../platform/database/client.ts';
import { isUniqueViolation } from '../platform/database/errors.ts';
import { errors } from '../platform/errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { policy } from '../auth/policy.ts';
import type { TermRow, TermsRepository } from './repository.ts';
import {
  statusTransitions,
  type CreateTermBody,
  type ListTermsQuery,
  type Term,
  type UpdateTermBody,
} from './schemas.ts';

/**
 * What term writes need from definition validation (implemented by ValidationService). Both run inside
 * the term write's transaction, so a queued validation or a recorded override exists exactly when the
 * write does.
 */
export interface TermValidationHooks {
  /** The term's text (term, definition, domain) is new or changed: queue its validation. */
  contentChanged(tx: Db, term: TermRow): Promise<void>;
  /** The term is being deleted: what other terms' findings say about it must be checked again. */
  termDeleted(tx: Db, termId: string): Promise<void>;
  /**
   * The term is about to become validated (`term` as it will be, with the version it will have): throws
   * to refuse while findings are open, or records the reviewer's override of them.
   */
  beforeValidated(
    tx: Db,
    term: Pick<TermRow, 'id' | 'term' | 'definition' | 'domain' | 'version'>,
    user: AuthUser,
    override: UpdateTermBody['override_findings'],
  ): Promise<void>;
}

export interface TermPage {
  items: Term[];
  next_cursor: string | null;
  limit: number;
}

export class TermsService {
  readonly #db: Db;
  readonly #repository: TermsRepository;
  readonly #validation: TermValidationHooks;
  readonly #graphChanges: GraphChangeRecorder;

  constructor(deps: {
    db: Db;
    repository: TermsRepository;
    validation: TermValidationHooks;
    graphChanges: GraphChangeRecorder;
  }) {
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#validation = deps.validation;
    this.#graphChanges = deps.graphChanges;
  }

  async create(body: CreateTermBody, user: AuthUser): Promise<Term> {
    try {
      const row = await this.#db.transaction(async (tx) => {
        const inserted = await this.#repository.insert(tx, {
          term: body.term,
          definition: body.definition,
          domain: await this.#canonicalDomain(tx, body.domain ?? null),
          level: body.level,
          status: body.status,
          createdBy: user.id,
        });
        await this.#validation.contentChanged(tx, inserted);
        await this.#graphChanges.termsChanged(tx, [{ termId: inserted.id, change: 'created' }]);
        return inserted;
      });
      return toTerm(row);
    } catch (error) {
      throw this.#translateUniqueViolation(error, body.term, body.domain ?? null);
    }
  }

  async domains(): Promise<{ domain: string; terms: number }[]> {
    return this.#repository.domains(this.#db);
  }

  async get(id: string): Promise<Term> {
    const row = await this.#repository.findById(this.#db, id);
    if (!row) throw errors.notFound('No term with this id.');
    return toTerm(row);
  }

  async list(query: ListTermsQuery): Promise<TermPage> {
    const sort = query.sort ?? (query.q === undefined ? 'recent' : 'relevance');
    if (sort === 'relevance' && query.q === undefined)
      throw errors.validation([
        { path: 'query.sort', message: 'Sorting by relevance needs a search query `q`.' },
      ]);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, sort);
    const { rows, keys } = await this.#repository.list(
      this.#db,
      {
        q: query.q,
        domain: query.domain,
        level: query.level,
        status: query.status,
        createdBy: query.created_by,
      },
      sort,
      query.limit,
      after,
    );
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = keys[page.length - 1];
    return {
      items: page.map(toTerm),
      next_cursor: hasMore && last ? encodeCursor(sort, last) : null,
      limit: query.limit,
    };
  }

  /**
   * Optimistic concurrency: the caller names the version it edited; a stale version is refused with the
   * current state, so nobody silently overwrites a colleague's work.
   */
  async update(
    id: string,
    body: UpdateTermBody,
    expected: { version: number; source: 'if-match' | 'body' },
    user: AuthUser,
  ): Promise<Term> {
    const { version: _version, override_findings: override, ...changes } = body;
    try {
      return await this.#db.transaction(async (tx) => {
        const current = await this.#repository.findById(tx, id, { lock: true });
        if (!current) throw errors.notFound('No term with this id.');
        assertMayChange(current, user);
        if (current.version !== expected.version) {
          const detail = `You edited version ${expected.version}, but the term is now at version ${current.version}. Reload it and apply your change again.`;
          const extensions = { current: toTerm(current) };
          throw expected.source === 'if-match'
            ? errors.preconditionFailed(detail, extensions)
            : errors.versionConflict(detail, extensions);
        }
        if (changes.domain) changes.domain = await this.#canonicalDomain(tx, changes.domain, id);
        const text = {
          term: changes.term ?? current.term,
          definition: changes.definition ?? current.definition,
          domain: changes.domain === undefined ? current.domain : changes.domain,
        };
        const textChanged =
          text.term !== current.term ||
          text.definition !== current.definition ||
          text.domain !== current.domain;
        // What was validated is what a reviewer approved: an author's edit of it goes back to review
        // rather than being served as validated unseen (reviewers' own edits stand).
        if (
          current.status === 'validated' &&
          changes.status === undefined &&
          policy.editNeedsReview(user) &&
          (textChanged || (changes.level !== undefined && changes.level !== current.level))
        )
          changes.status = 'in_review';
        if (changes.status !== undefined && changes.status !== current.status) {
          assertTransition(current.status, changes.status, user);
          if (changes.status === 'validated')
            await this.#validation.beforeValidated(
              tx,
              { id, ...text, version: current.version + 1 },
              user,
              override,
            );
        }
        const row = await this.#repository.update(tx, id, {
          ...(changes.term === undefined ? {} : { term: changes.term }),
          ...(changes.definition === undefined ? {} : { definition: changes.definition }),
          ...(changes.domain === undefined ? {} : { domain: changes.domain }),
          ...(changes.level === undefined ? {} : { level: changes.level }),
          ...(changes.status === undefined ? {} : { status: changes.status }),
        });
        await this.#graphChanges.termsChanged(tx, [{ termId: id, change: 'updated' }]);
        // Status and level changes keep the text: its validations still apply, nothing to queue.
        if (textChanged) await this.#validation.contentChanged(tx, row);
        return toTerm(row);
      });
    } catch (error) {
      throw this.#translateUniqueViolation(error, body.term ?? '', body.domain ?? null);
    }
  }

  async delete(id: string, user: AuthUser, expectedVersion?: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const current = await this.#repository.findById(tx, id, { lock: true });
      if (!current) throw errors.notFound('No term with this id.');
      assertMayChange(current, user);
      if (expectedVersion !== undefined && current.version !== expectedVersion)
        throw errors.preconditionFailed(
          `You are deleting version ${expectedVersion}, but the term is now at version ${current.version}.`,
          { current: toTerm(current) },
        );
      await this.#validation.termDeleted(tx, id);
      await this.#repository.delete(tx, id);
      // Its relations go with it (ON DELETE CASCADE); the mirror's DETACH DELETE does the same.
      await this.#graphChanges.termsChanged(tx, [{ termId: id, change: 'deleted' }]);
    });
  }

  /** One spelling per domain: a new term joins the domain it names however it was typed. */
  async #canonicalDomain(tx: Db, domain: string | null, termId?: string): Promise<string | null> {
    if (domain === null) return null;
    return (await this.#repository.existingDomainSpelling(tx, domain, termId)) ?? domain;
  }

  #translateUniqueViolation(error: unknown, term: string, domain: string | null): unknown {
    if (!isUniqueViolation(error, 'terms_domain_term_key')) return error;
    return errors.termExists(term, domain);
  }
}

function assertMayChange(term: TermRow, user: AuthUser): void {
  policy.assertMayChange(
    user,
    term,
    'Only the creator of a term or an administrator may change or delete it.',
  );
}

function assertTransition(from: TermRow['status'], to: TermRow['status'], user: AuthUser): void {
  const allowed = statusTransitions[from];
  if (!allowed.includes(to)) throw errors.invalidStatusTransition(from, to, allowed);
  if (to === 'validated')
    policy.assertReviewer(user, 'Only a reviewer (administrator) may mark a term as validated.');
}

export function toTerm(row: TermRow): Term {
  return {
    id: row.id,
    term: row.term,
    definition: row.definition,
    domain: row.domain,
    level: row.level,
    status: row.status,
    version: row.version,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
