import type { Actor } from '../auth/policy.ts';
import { assertReadable } from '../auth/policy.ts';
import type { Db } from '../platform/database/client.ts';
import { errors } from '../platform/errors.ts';
import type { VocabularyReader } from '../vocabularies/reader.ts';
import { snapshotChanges } from './diff.ts';
import type { ChangeRow, HistoryRepository, RevisionRow } from './repository.ts';
import type { ChangesPage, HistoryPage, Revision, RevisionDiff, RevisionSummary } from './schemas.ts';

/** Reading history: a concept's revisions, one of them, the diff of two, and a vocabulary's change feed. */
export class HistoryService {
  readonly #db: Db;
  readonly #repository: HistoryRepository;
  readonly #vocabularies: VocabularyReader;

  constructor(deps: { db: Db; repository: HistoryRepository; vocabularies: VocabularyReader }) {
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#vocabularies = deps.vocabularies;
  }

  async history(
    termId: string,
    query: { before?: number | undefined; limit: number },
    actor: Actor | null,
  ): Promise<HistoryPage> {
    const latest = await this.#readableLatest(termId, actor);
    // One more than the page: the revision before the page's last, for its diff.
    const rows = await this.#repository.page(this.#db, termId, query.before ?? null, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      term_id: termId,
      deleted: latest.action === 'deleted',
      items: page.map((row, index) => ({
        ...toSummary(row),
        changes: snapshotChanges(rows[index + 1]?.snapshot ?? null, row.snapshot),
      })),
      next_before: rows.length > query.limit ? page.at(-1)!.revision : null,
    };
  }

  async revision(termId: string, revision: number, actor: Actor | null): Promise<Revision> {
    await this.#readableLatest(termId, actor);
    const rows = await this.#repository.byNumbers(this.#db, termId, [revision, revision - 1]);
    const row = rows.get(revision);
    if (!row) throw errors.notFound(`This concept has no revision ${revision}.`);
    return {
      ...toSummary(row),
      term_id: termId,
      snapshot: row.snapshot,
      changes: snapshotChanges(rows.get(revision - 1)?.snapshot ?? null, row.snapshot),
    };
  }

  /** What changed from revision `from` to revision `to` (either order: an older `to` shows the way back). */
  async diff(termId: string, from: number, to: number, actor: Actor | null): Promise<RevisionDiff> {
    await this.#readableLatest(termId, actor);
    const rows = await this.#repository.byNumbers(this.#db, termId, [from, to]);
    const missing = [from, to].filter((number) => !rows.has(number));
    if (missing.length > 0) throw errors.notFound(`This concept has no revision ${missing[0]}.`);
    const before = rows.get(from)!;
    const after = rows.get(to)!;
    return {
      term_id: termId,
      from: toSummary(before),
      to: toSummary(after),
      changes: snapshotChanges(before.snapshot, after.snapshot),
    };
  }

  /**
   * The vocabulary's changes after a cursor, oldest first. The cursor is the feed number of the last
   * change seen; numbers commit in order (historyRepository.record), so a client that keeps passing
   * `next_after` back sees every change once.
   */
  async changes(
    slug: string,
    query: { after?: string | undefined; limit: number },
    actor: Actor | null,
  ): Promise<ChangesPage> {
    const vocabulary = await this.#vocabularies.bySlug(this.#db, slug, actor);
    assertReadable(vocabulary, `No vocabulary "${slug}".`);
    const after = query.after === undefined ? 0 : Number(query.after);
    const rows = await this.#repository.changes(this.#db, vocabulary.id, after, query.limit + 1);
    const page = rows.slice(0, query.limit);
    return {
      items: page.map(toChange),
      next_after: String(page.at(-1)?.seq ?? after),
      has_more: rows.length > query.limit,
    };
  }

  /** The concept's latest revision, if the caller may read its vocabulary (404 otherwise). */
  async #readableLatest(termId: string, actor: Actor | null): Promise<RevisionRow> {
    const latest = await this.#repository.latest(this.#db, termId);
    const vocabulary = latest && (await this.#vocabularies.byId(this.#db, latest.vocabularyId, actor));
    assertReadable(vocabulary);
    return latest!;
  }
}

export function toSummary(row: RevisionRow): RevisionSummary {
  return {
    revision: row.revision,
    action: row.action,
    seq: row.seq,
    term_version: row.termVersion,
    changed: row.changed,
    author: row.authorId === null ? null : { id: row.authorId, name: row.authorName },
    comment: row.comment,
    change_set_id: row.changeSetId,
    restored_from: row.restoredFrom,
    created_at: row.createdAt.toISOString(),
  };
}

function toChange(row: ChangeRow): ChangesPage['items'][number] {
  return {
    seq: row.seq,
    term_id: row.termId,
    iri: row.iri,
    notation: row.notation,
    revision: row.revision,
    action: row.action,
    changed: row.changed,
    author_id: row.authorId,
    change_set_id: row.changeSetId,
    created_at: row.createdAt.toISOString(),
  };
}
