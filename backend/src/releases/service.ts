import { assertReadable, type Actor } from '../auth/policy.ts';
import type { AuthUser } from '../auth/tokens.ts';
import type { AuditRecorder } from '../audit/recorder.ts';
import { snapshotChanges } from '../history/diff.ts';
import type { Db } from '../platform/database/client.ts';
import { isUniqueViolation } from '../platform/database/errors.ts';
import { errors } from '../platform/errors.ts';
import type { VocabularyInScope, VocabularyReader } from '../vocabularies/reader.ts';
import { releaseExport } from './export.ts';
import type { ReleaseRow, ReleasesRepository } from './repository.ts';
import type { CreateReleaseBody, Release, ReleaseComparison, ReleaseList } from './schemas.ts';

/**
 * Releases: the published content of a vocabulary frozen under a name. Publishing reads what is published
 * under the vocabulary's lock (no concept write commits meanwhile), records the release's members and the
 * SHA-256 of its canonical export; the export is rebuilt from history, which never changes, and checked.
 */
export class ReleasesService {
  readonly #db: Db;
  readonly #repository: ReleasesRepository;
  readonly #vocabularies: VocabularyReader;
  readonly #audit: AuditRecorder;

  constructor(deps: {
    db: Db;
    repository: ReleasesRepository;
    vocabularies: VocabularyReader;
    audit: AuditRecorder;
  }) {
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#vocabularies = deps.vocabularies;
    this.#audit = deps.audit;
  }

  async publish(slug: string, body: CreateReleaseBody, user: AuthUser): Promise<Release> {
    try {
      return await this.#db.transaction(async (tx) => {
        const vocabulary = await this.#readable(tx, slug, user);
        if (!vocabulary.permissions.edit_settings)
          throw errors.forbidden('Only the owners of this vocabulary may publish a release of it.');
        await this.#repository.lockVocabulary(tx, vocabulary.id);
        if (await this.#repository.byName(tx, vocabulary.id, body.name))
          throw errors.releaseExists(body.name);
        const concepts = await this.#repository.publishedNow(tx, vocabulary.id);
        if (concepts.length === 0) throw errors.releaseEmpty();
        const settings = (await this.#vocabularies.settings(tx, vocabulary.id))!;
        // Milliseconds (a Date's precision) both in the export and in the row: it reads back the same.
        const publishedAt = new Date();
        const note = body.note ?? null;
        const { sha256 } = releaseExport({
          vocabulary: settings,
          name: body.name,
          note,
          publishedAt,
          concepts,
        });
        await this.#repository.insert(
          tx,
          {
            vocabularyId: vocabulary.id,
            name: body.name,
            note,
            vocabulary: settings,
            conceptCount: concepts.length,
            contentSha256: sha256,
            publishedBy: user.id,
            publishedAt,
          },
          concepts,
        );
        await this.#audit.record(tx, {
          action: 'release.published',
          actorId: user.id,
          target: { type: 'vocabulary', id: slug },
          details: { release: body.name, concepts: concepts.length, sha256 },
        });
        return toRelease((await this.#repository.byName(tx, vocabulary.id, body.name))!, slug);
      });
    } catch (error) {
      if (isUniqueViolation(error, 'releases_vocabulary_name_key')) throw errors.releaseExists(body.name);
      throw error;
    }
  }

  async list(slug: string, actor: Actor | null): Promise<ReleaseList> {
    const vocabulary = await this.#readable(this.#db, slug, actor);
    return {
      items: (await this.#repository.list(this.#db, vocabulary.id)).map((row) => toRelease(row, slug)),
    };
  }

  async get(slug: string, name: string, actor: Actor | null): Promise<Release> {
    const vocabulary = await this.#readable(this.#db, slug, actor);
    return toRelease(await this.#release(vocabulary, name), slug);
  }

  /** The release's export, rebuilt from history and checked against the digest recorded when published. */
  async export(slug: string, name: string, actor: Actor | null): Promise<{ body: string; sha256: string }> {
    const vocabulary = await this.#readable(this.#db, slug, actor);
    const release = await this.#release(vocabulary, name);
    const exported = releaseExport({
      vocabulary: release.vocabulary,
      name: release.name,
      note: release.note,
      publishedAt: release.publishedAt,
      concepts: await this.#repository.concepts(this.#db, release.id),
    });
    if (exported.sha256 !== release.contentSha256)
      throw new Error(
        `Release ${slug}/${name} no longer exports to its recorded SHA-256: history was altered.`,
      );
    return exported;
  }

  /** What changed from one release to another: concepts added, changed (with diffs), deprecated, deleted. */
  async compare(
    slug: string,
    fromName: string,
    toName: string,
    actor: Actor | null,
  ): Promise<ReleaseComparison> {
    const vocabulary = await this.#readable(this.#db, slug, actor);
    const [from, to] = [await this.#release(vocabulary, fromName), await this.#release(vocabulary, toName)];
    const [before, after] = await Promise.all([
      this.#repository.concepts(this.#db, from.id),
      this.#repository.concepts(this.#db, to.id),
    ]);
    const earlier = new Map(before.map((concept) => [concept.termId, concept]));
    const later = new Map(after.map((concept) => [concept.termId, concept]));
    const comparison: ReleaseComparison = {
      from: toRelease(from, slug),
      to: toRelease(to, slug),
      added: [],
      changed: [],
      deprecated: [],
      deleted: [],
      unchanged: 0,
    };
    for (const concept of after) {
      const old = earlier.get(concept.termId);
      const entry = {
        id: concept.termId,
        iri: concept.iri,
        term: concept.snapshot.term,
        from_revision: old?.revision ?? null,
        to_revision: concept.revision,
      };
      if (!old) {
        comparison.added.push(entry);
        continue;
      }
      const changes =
        old.revision === concept.revision ? [] : snapshotChanges(old.snapshot, concept.snapshot);
      if (concept.snapshot.status === 'deprecated' && old.snapshot.status !== 'deprecated')
        comparison.deprecated.push({ ...entry, changes });
      else if (changes.length > 0) comparison.changed.push({ ...entry, changes });
      else comparison.unchanged += 1;
    }
    for (const concept of before)
      if (!later.has(concept.termId))
        comparison.deleted.push({
          id: concept.termId,
          iri: concept.iri,
          term: concept.snapshot.term,
          from_revision: concept.revision,
          to_revision: null,
        });
    return comparison;
  }

  async #readable(db: Db, slug: string, actor: Actor | null): Promise<VocabularyInScope> {
    const vocabulary = await this.#vocabularies.bySlug(db, slug, actor);
    assertReadable(vocabulary, `No vocabulary "${slug}".`);
    return vocabulary;
  }

  async #release(vocabulary: VocabularyInScope, name: string): Promise<ReleaseRow> {
    const release = await this.#repository.byName(this.#db, vocabulary.id, name);
    if (!release) throw errors.notFound(`No release "${name}" of "${vocabulary.slug}".`);
    return release;
  }
}

function toRelease(row: ReleaseRow, slug: string): Release {
  return {
    name: row.name,
    note: row.note,
    vocabulary_slug: slug,
    concept_count: row.conceptCount,
    content_sha256: row.contentSha256,
    published_by: row.publishedBy === null ? null : { id: row.publishedBy, name: row.publishedByName },
    published_at: row.publishedAt.toISOString(),
  };
}
