import type { Actor } from '../auth/policy.ts';
import type { AuthUser } from '../auth/tokens.ts';
import type { GraphChangeRecorder } from '../graph/outbox/recorder.ts';
import type { RevisionRecorder } from '../history/recorder.ts';
import type { ApprovalGate } from '../review/approvals.ts';
import type { PublicationReader, PublishedRow } from '../review/publication.ts';
import type { ConceptSnapshot, RestoreBody, RestoreResult, SkippedRelation } from '../history/schemas.ts';
import type { Db } from '../platform/database/client.ts';
import { isUniqueViolation } from '../platform/database/errors.ts';
import { errors } from '../platform/errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { assertReadable, policy } from '../auth/policy.ts';
import type { VocabularyInScope, VocabularyReader } from '../vocabularies/reader.ts';
import { DEFAULT_VOCABULARY_SLUG, type VocabularyPermissions } from '../vocabularies/schemas.ts';
import { planConceptParts, splitConceptParts, type TargetConcept } from './concept-parts.ts';
import type { ConceptPartsRepository, StoredParts } from './parts-repository.ts';
import type { TermFilters, TermRow, TermsRepository } from './repository.ts';
import {
  statusTransitions,
  type Concept,
  type ConceptPartsBody,
  type HierarchyPage,
  type HierarchyQuery,
  type TermPage,
  type CreateTermBody,
  type ListTermsQuery,
  type Term,
  type UpdateTermBody,
  type ResolvedConcept,
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

/** What a restore needs of relations, inside its transaction (implemented by RelationsService). */
export interface TermRelationsPort {
  lockHierarchies(tx: Db): Promise<void>;
  restoreIn(
    tx: Db,
    sourceId: string,
    wanted: ConceptSnapshot['relations'],
    user: AuthUser,
    options: { exclusive: boolean },
  ): Promise<SkippedRelation[]>;
}

export class TermsService {
  readonly #db: Db;
  readonly #repository: TermsRepository;
  readonly #validation: TermValidationHooks;
  readonly #graphChanges: GraphChangeRecorder;
  readonly #vocabularies: VocabularyReader;
  readonly #parts: ConceptPartsRepository;
  readonly #revisions: RevisionRecorder;
  readonly #relations: TermRelationsPort;
  readonly #approvals: ApprovalGate;
  readonly #publications: PublicationReader;

  constructor(deps: {
    db: Db;
    repository: TermsRepository;
    parts: ConceptPartsRepository;
    validation: TermValidationHooks;
    graphChanges: GraphChangeRecorder;
    vocabularies: VocabularyReader;
    revisions: RevisionRecorder;
    relations: TermRelationsPort;
    approvals: ApprovalGate;
    publications: PublicationReader;
  }) {
    this.#approvals = deps.approvals;
    this.#publications = deps.publications;
    this.#revisions = deps.revisions;
    this.#relations = deps.relations;
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#vocabularies = deps.vocabularies;
    this.#parts = deps.parts;
    this.#validation = deps.validation;
    this.#graphChanges = deps.graphChanges;
  }

  async create(body: CreateTermBody, user: AuthUser): Promise<Concept> {
    try {
      return await this.#db.transaction(async (tx) => {
        const slug = body.vocabulary ?? DEFAULT_VOCABULARY_SLUG;
        const vocabulary = await this.#vocabularies.bySlug(tx, slug, user);
        assertReadable(vocabulary, `No vocabulary "${slug}".`);
        if (!vocabulary.permissions.create_terms)
          throw errors.forbidden(`Only the editors of the vocabulary "${slug}" may add terms to it.`);
        const parts = await planConceptParts(body, {
          termId: null,
          vocabulary,
          status: body.status,
          targets: (ids) => this.#targets(tx, ids, user),
        });
        const inserted = await this.#repository.insert(tx, {
          vocabularyId: vocabulary.id,
          ...(body.notation === undefined ? {} : { notation: body.notation }),
          term: body.term,
          definition: body.definition,
          domain: await this.#canonicalDomain(tx, body.domain ?? null),
          level: body.level,
          status: body.status,
          createdBy: user.id,
        });
        await this.#parts.replace(tx, inserted.id, parts);
        await this.#validation.contentChanged(tx, inserted);
        await this.#graphChanges.termsChanged(tx, [{ termId: inserted.id, change: 'created' }]);
        await this.#revisions.record(
          tx,
          [{ termId: inserted.id, vocabularyId: vocabulary.id, action: 'created' }],
          { authorId: user.id, comment: body.comment },
        );
        // Read after the revision, which may have published it.
        return this.#concept(tx, inserted, vocabulary, user);
      });
    } catch (error) {
      throw this.#translateUniqueViolation(error, body.term, body.domain ?? null, body.notation);
    }
  }

  /**
   * What an IRI names, for whoever may read its vocabulary: the concept (a resolver redirects to it), or —
   * deleted — 410 with its deletion; 404 otherwise. A reader without review rights gets the published label.
   */
  async resolve(iri: string, actor: Actor | null): Promise<ResolvedConcept> {
    const row = await this.#repository.findByIri(this.#db, iri);
    if (!row) {
      const tombstone = await this.#revisions.deletedByIri(this.#db, iri);
      if (tombstone) await this.#assertNotDeleted(tombstone.termId, actor, '');
      throw errors.notFound('No concept has this IRI.');
    }
    const vocabulary = await this.#vocabularies.byId(this.#db, row.vocabularyId, actor);
    assertReadable(vocabulary, 'No concept has this IRI.');
    const concept = await this.#concept(this.#db, row, vocabulary, actor);
    return {
      id: concept.id,
      iri: concept.iri,
      notation: concept.notation,
      vocabulary_slug: vocabulary.slug,
      term: concept.term,
      status: concept.status,
    };
  }

  async domains(): Promise<{ domain: string; terms: number }[]> {
    return this.#repository.domains(this.#db);
  }

  /** A term the caller may read; with `vocabularySlug`, only if it belongs to that vocabulary. */
  async get(id: string, actor: Actor | null, vocabularySlug?: string): Promise<Concept> {
    const row = await this.#repository.findById(this.#db, id);
    if (!row) await this.#assertNotDeleted(id, actor, vocabularySlug);
    const vocabulary = row && (await this.#vocabularies.byId(this.#db, row.vocabularyId, actor));
    assertReadable(vocabulary);
    if (!row || (vocabularySlug !== undefined && vocabulary.slug !== vocabularySlug))
      throw errors.notFound('No term with this id.');
    return this.#concept(this.#db, row, vocabulary, actor);
  }

  async list(query: ListTermsQuery, actor: Actor | null): Promise<TermPage> {
    const sort = query.sort ?? (query.q === undefined ? 'recent' : 'relevance');
    if (sort === 'relevance' && query.q === undefined)
      throw errors.validation([
        { path: 'query.sort', message: 'Sorting by relevance needs a search query `q`.' },
      ]);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, sort);
    let vocabulary: VocabularyInScope | undefined;
    if (query.vocabulary !== undefined) {
      vocabulary = await this.#vocabularies.bySlug(this.#db, query.vocabulary, actor);
      assertReadable(vocabulary, `No vocabulary "${query.vocabulary}".`);
    }
    const filters: TermFilters = {
      readableBy: { userId: actor?.id ?? null, everything: actor !== null && policy.isReviewer(actor) },
      vocabularyId: vocabulary?.id,
      q: query.q,
      language: query.language,
      searchLanguages:
        query.q === undefined
          ? undefined
          : query.language !== undefined
            ? [query.language]
            : (vocabulary?.languages ?? (await this.#repository.contentLanguages(this.#db))),
      domain: query.domain,
      level: query.level,
      status: query.status,
      createdBy: query.created_by,
    };
    const [{ rows, keys }, total] = await Promise.all([
      this.#repository.list(this.#db, filters, sort, query.limit, after),
      query.with_total === 'true' ? this.#repository.count(this.#db, filters) : undefined,
    ]);

    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = keys[page.length - 1];
    const extras = await this.#repository.listExtras(
      this.#db,
      page.map((row) => row.id),
    );
    const published = await this.#publishedForReaders(this.#db, page, actor);
    return {
      items: page.map((row) => {
        const extra = extras.get(row.id);
        const served = published.get(row.id);
        if (served)
          return {
            ...toTerm(publishedRow(row, served)),
            // What matched may be the pending text: not shown to those who get the published one.
            ...(query.q === undefined ? {} : { match: null }),
            pref_labels: served.snapshot.pref_labels,
            quality: null,
          };
        return {
          ...toTerm(row),
          ...(query.q === undefined ? {} : { match: row.match }),
          pref_labels: extra?.prefLabels ?? {},
          quality: extra?.quality
            ? { ...extra.quality, checked_at: extra.quality.checked_at.toISOString() }
            : null,
        };
      }),
      next_cursor: hasMore && last ? encodeCursor(sort, last) : null,
      limit: query.limit,
      ...(total === undefined ? {} : { total }),
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
  ): Promise<Concept> {
    const { parts: partsBody, rest, partsSent } = splitConceptParts(body);
    const { version: _version, override_findings: override, comment, ...changes } = rest;
    const labelsChanged = [partsBody.pref_labels, partsBody.alt_labels, partsBody.definitions].some(
      (part) => part !== undefined,
    );
    try {
      return await this.#db.transaction(async (tx) => {
        // A reviewer who may not edit the text may still move the status (to validated, back to draft).
        const statusOnly = !partsSent && Object.keys(changes).every((key) => key === 'status');
        const {
          term: current,
          permissions,
          vocabulary,
        } = await this.#changeable(tx, await this.#repository.findById(tx, id, { lock: true }), user, {
          statusOnly,
        });
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
        // What was validated is what a reviewer approved: an edit of it goes back to review rather than
        // being served unseen — the published revision is served meanwhile. Only the edits of someone who
        // may approve their own change, where one approval is enough, stand.
        if (
          current.status === 'validated' &&
          changes.status === undefined &&
          !this.#approvals.editStands(user, vocabulary) &&
          (textChanged || partsSent || (changes.level !== undefined && changes.level !== current.level))
        )
          changes.status = 'in_review';
        if (changes.status !== undefined && changes.status !== current.status) {
          assertTransition(current.status, changes.status, permissions);
          if (changes.status === 'validated') {
            // Marking it validated is approving it: the vocabulary's approval rules apply.
            const approval = await this.#approvals.approve(
              tx,
              { termId: id, vocabularyId: vocabulary.id, version: current.version },
              user,
              vocabulary,
              comment ?? null,
            );
            if (!approval.complete)
              throw errors.approvalsRequired(vocabulary.review.approvalsRequired, approval.recorded - 1);
          }
          if (changes.status === 'validated')
            await this.#validation.beforeValidated(
              tx,
              { id, ...text, version: current.version + 1 },
              user,
              override,
            );
        }
        const parts = await planConceptParts(partsBody, {
          termId: id,
          vocabulary,
          status: changes.status ?? current.status,
          targets: (ids) => this.#targets(tx, ids, user),
        });
        const row = await this.#repository.update(tx, id, {
          ...(changes.term === undefined ? {} : { term: changes.term }),
          ...(changes.definition === undefined ? {} : { definition: changes.definition }),
          ...(changes.domain === undefined ? {} : { domain: changes.domain }),
          ...(changes.level === undefined ? {} : { level: changes.level }),
          ...(changes.status === undefined ? {} : { status: changes.status }),
        });
        await this.#graphChanges.termsChanged(tx, [{ termId: id, change: 'updated' }]);
        await this.#parts.replace(tx, id, parts);
        // Status and level changes keep the text: its validations still apply, nothing to queue.
        // Labels and definitions in other languages are judged too (the rules about labels).
        if (textChanged || labelsChanged) await this.#validation.contentChanged(tx, row);
        await this.#revisions.record(tx, [{ termId: id, vocabularyId: vocabulary.id, action: 'updated' }], {
          authorId: user.id,
          comment,
        });
        // Read after the revision, which may have published it.
        return this.#concept(tx, row, vocabulary, user);
      });
    } catch (error) {
      throw this.#translateUniqueViolation(error, body.term ?? '', body.domain ?? null);
    }
  }

  /**
   * A deletion is a revision too (the tombstone, holding the concept as it was), and so is the loss of
   * each relation other concepts had to it: one change set, which a restore brings back whole.
   */
  async delete(id: string, user: AuthUser, expectedVersion?: number, comment?: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const { term: current } = await this.#changeable(
        tx,
        await this.#repository.findById(tx, id, { lock: true }),
        user,
      );
      if (expectedVersion !== undefined && current.version !== expectedVersion)
        throw errors.preconditionFailed(
          `You are deleting version ${expectedVersion}, but the term is now at version ${current.version}.`,
          { current: toTerm(current) },
        );
      const snapshot = (await this.#revisions.snapshot(tx, id))!;
      const related = await this.#revisions.sourcesRelatedTo(tx, id);
      await this.#validation.termDeleted(tx, id);
      await this.#repository.delete(tx, id);
      // Its relations go with it (ON DELETE CASCADE); the mirror's DETACH DELETE does the same.
      await this.#graphChanges.termsChanged(tx, [{ termId: id, change: 'deleted' }]);
      await this.#revisions.record(
        tx,
        [
          {
            termId: id,
            vocabularyId: current.vocabularyId,
            action: 'deleted',
            snapshot,
            termVersion: current.version,
          },
          ...related.map((termId) => ({
            termId,
            vocabularyId: current.vocabularyId,
            action: 'updated' as const,
          })),
        ],
        { authorId: user.id, comment },
      );
    });
  }

  /**
   * Brings back the content of an old revision as a new one: fields, parts and outgoing relations —
   * for a deleted concept, the concept itself with its IRI, and the relations its deletion took from
   * others. Under optimistic locking like an edit; the status follows an edit's rule (a validated
   * concept restored by someone who may not review goes back to review). What cannot come back — a
   * relation whose other end is gone, or that would close a cycle — is listed, not forced.
   */
  async restore(
    id: string,
    body: RestoreBody,
    expected: { version: number; source: 'if-match' | 'body' },
    user: AuthUser,
  ): Promise<RestoreResult> {
    try {
      return await this.#db.transaction(async (tx) => {
        await this.#relations.lockHierarchies(tx);
        const latest = await this.#revisions.latest(tx, id);
        const vocabulary = latest && (await this.#vocabularies.byId(tx, latest.vocabularyId, user));
        assertReadable(vocabulary);
        const target = await this.#revisions.revision(tx, id, body.revision);
        if (!target) throw errors.notFound(`This concept has no revision ${body.revision}.`);
        const snapshot = target.snapshot;
        const live = await this.#repository.findById(tx, id, { lock: true });
        const currentVersion = live?.version ?? latest!.termVersion;
        if (currentVersion !== expected.version) {
          const detail = `You restored over version ${expected.version}, but the concept is now at version ${currentVersion}. Reload its history and try again.`;
          throw expected.source === 'if-match'
            ? errors.preconditionFailed(detail)
            : errors.versionConflict(detail, {});
        }
        const permissions = vocabulary.permissions;
        if (!policy.mayChangeTerm(user, permissions, live ?? { createdBy: snapshot.created_by }))
          throw errors.forbidden(
            'Only the creator of a concept or an editor of its vocabulary may restore it.',
          );
        const fromStatus = live?.status ?? snapshot.status;
        const status =
          fromStatus === 'validated' && !this.#approvals.editStands(user, vocabulary)
            ? 'in_review'
            : fromStatus;
        const parts = await planConceptParts(await this.#partsOf(tx, id, snapshot, user), {
          termId: id,
          vocabulary,
          status,
          targets: (ids) => this.#targets(tx, ids, user),
        });
        const domain = await this.#canonicalDomain(tx, snapshot.domain, id);
        const fields = {
          term: snapshot.term,
          definition: snapshot.definition,
          domain,
          level: snapshot.level,
          status,
        };
        let row: TermRow;
        if (live) {
          row = await this.#repository.update(tx, id, fields);
          await this.#graphChanges.termsChanged(tx, [{ termId: id, change: 'updated' }]);
        } else {
          row = await this.#repository.insert(tx, {
            id,
            vocabularyId: latest!.vocabularyId,
            notation: snapshot.notation,
            iri: snapshot.iri,
            ...fields,
            version: currentVersion + 1,
            createdBy: snapshot.created_by,
          });
          await this.#graphChanges.termsChanged(tx, [{ termId: id, change: 'created' }]);
        }
        await this.#parts.replace(tx, id, parts);
        await this.#validation.contentChanged(tx, row);
        const skipped = await this.#relations.restoreIn(tx, id, snapshot.relations, user, {
          exclusive: true,
        });
        // A deleted concept: the relations others had to it, which its deletion removed.
        const others = live ? [] : await this.#restoreIncoming(tx, id, latest!.changeSetId, user, skipped);
        await this.#revisions.record(
          tx,
          [
            {
              termId: id,
              vocabularyId: vocabulary.id,
              action: 'restored',
              restoredFrom: body.revision,
            },
            ...others.map((termId) => ({ termId, vocabularyId: vocabulary.id, action: 'updated' as const })),
          ],
          { authorId: user.id, comment: body.comment },
        );
        return {
          concept: await this.#concept(tx, row, vocabulary, user),
          revision: (latest?.revision ?? 0) + 1,
          skipped_relations: skipped,
        };
      });
    } catch (error) {
      throw this.#translateUniqueViolation(error, '', null);
    }
  }

  // ---- what review needs (ReviewableTerms) -------------------------------------------------------------

  async find(
    db: Db,
    id: string,
    actor: Actor | null,
    options: { lock: boolean },
  ): Promise<{ term: TermRow; vocabulary: VocabularyInScope }> {
    const term = await this.#repository.findById(db, id, options);
    const vocabulary = term && (await this.#vocabularies.byId(db, term.vocabularyId, actor));
    assertReadable(vocabulary);
    return { term: term!, vocabulary };
  }

  async moveStatus(
    tx: Db,
    term: Pick<TermRow, 'id' | 'status'>,
    to: TermRow['status'],
    user: AuthUser,
    override: UpdateTermBody['override_findings'],
  ): Promise<void> {
    const current = (await this.#repository.findById(tx, term.id))!;
    if (to === 'validated')
      await this.#validation.beforeValidated(
        tx,
        {
          id: current.id,
          term: current.term,
          definition: current.definition,
          domain: current.domain,
          version: current.version + 1,
        },
        user,
        override,
      );
    await this.#repository.update(tx, term.id, { status: to });
    await this.#graphChanges.termsChanged(tx, [{ termId: term.id, change: 'updated' }]);
  }

  async checkGate(
    tx: Db,
    term: Pick<TermRow, 'id'>,
    user: AuthUser,
    override: UpdateTermBody['override_findings'],
  ): Promise<void> {
    const current = (await this.#repository.findById(tx, term.id))!;
    await this.#validation.beforeValidated(tx, current, user, override);
  }

  mayChange(actor: Actor, vocabulary: VocabularyInScope, term: Pick<TermRow, 'createdBy'>): boolean {
    return policy.mayChangeTerm(actor, vocabulary.permissions, term);
  }

  /** Re-adds what the deletion's change set took from other concepts; returns the concepts changed. */
  async #restoreIncoming(
    tx: Db,
    id: string,
    deletionChangeSet: string,
    user: AuthUser,
    skipped: SkippedRelation[],
  ): Promise<string[]> {
    const changed: string[] = [];
    for (const revision of await this.#revisions.changeSet(tx, deletionChangeSet)) {
      if (revision.termId === id || revision.revision === 1) continue;
      const before = await this.#revisions.revision(tx, revision.termId, revision.revision - 1);
      const lost = (before?.snapshot.relations ?? []).filter((relation) => relation.target_id === id);
      if (lost.length === 0) continue;
      const notBack = await this.#relations.restoreIn(tx, revision.termId, lost, user, { exclusive: false });
      skipped.push(...notBack);
      if (notBack.length < lost.length) changed.push(revision.termId);
    }
    return changed;
  }

  /** A snapshot's parts as an edit would send them; mappings to concepts gone since keep their IRI. */
  async #partsOf(tx: Db, id: string, snapshot: ConceptSnapshot, user: AuthUser): Promise<ConceptPartsBody> {
    const linked = snapshot.mappings.flatMap((mapping) => (mapping.term_id ? [mapping.term_id] : []));
    const targets = await this.#targets(tx, linked, user);
    return {
      pref_labels: snapshot.pref_labels,
      alt_labels: snapshot.alt_labels,
      hidden_labels: snapshot.hidden_labels,
      definitions: snapshot.definitions,
      sources: snapshot.sources,
      notes: snapshot.notes,
      mappings: snapshot.mappings.map((mapping) =>
        mapping.term_id !== null && targets.has(mapping.term_id)
          ? { type: mapping.type, term_id: mapping.term_id, label: mapping.label }
          : { type: mapping.type, iri: mapping.iri, label: mapping.label },
      ),
      replaced_by: snapshot.replaced_by.filter((replacement) => replacement !== id),
    };
  }

  /** One spelling per domain: a new term joins the domain it names however it was typed. */
  async #canonicalDomain(tx: Db, domain: string | null, termId?: string): Promise<string | null> {
    if (domain === null) return null;
    return (await this.#repository.existingDomainSpelling(tx, domain, termId)) ?? domain;
  }

  #translateUniqueViolation(error: unknown, term: string, domain: string | null, notation?: string): unknown {
    if (
      isUniqueViolation(error, 'terms_vocabulary_notation_key') ||
      isUniqueViolation(error, 'terms_iri_key')
    )
      return errors.notationExists(notation ?? '');
    if (!isUniqueViolation(error, 'terms_domain_term_key')) return error;
    return errors.termExists(term, domain);
  }

  /**
   * The concept as the caller gets it: those who may edit or review it see its current state and whether
   * it has a pending change; everyone else gets its published revision while a change awaits review.
   */
  async #concept(db: Db, row: TermRow, vocabulary: VocabularyInScope, actor: Actor | null): Promise<Concept> {
    const { permissions } = vocabulary;
    const termPermissions = {
      edit: actor !== null && policy.mayChangeTerm(actor, permissions, row),
      review: actor !== null && permissions.review,
    };
    const published = (await this.#publications.published(db, [row.id])).get(row.id);
    const pending = published !== undefined && hasPendingChange(row);
    if (pending && !termPermissions.edit && !termPermissions.review)
      return {
        ...toConcept(publishedRow(row, published), published.snapshot, vocabulary, termPermissions),
        publication: { published_revision: published.revision, pending: false, showing: 'published' },
      };
    const parts = (await this.#parts.read(db, [row.id])).get(row.id)!;
    return {
      ...toConcept(row, parts, vocabulary, termPermissions),
      publication: { published_revision: published?.revision ?? null, pending, showing: 'current' },
    };
  }

  /**
   * A list page as the caller gets it: a concept with a pending change shows its published revision to
   * whoever may neither edit nor review it.
   */
  async #publishedForReaders(
    db: Db,
    rows: TermRow[],
    actor: Actor | null,
  ): Promise<Map<string, PublishedRow>> {
    const pendingIds = rows.filter(hasPendingChange).map((row) => row.id);
    const published = await this.#publications.published(db, pendingIds);
    if (published.size === 0) return published;
    const permissions = new Map<string, VocabularyPermissions | undefined>();
    for (const row of rows) {
      if (!published.has(row.id)) continue;
      if (!permissions.has(row.vocabularyId))
        permissions.set(
          row.vocabularyId,
          (await this.#vocabularies.byId(db, row.vocabularyId, actor))?.permissions,
        );
      const inVocabulary = permissions.get(row.vocabularyId);
      const privileged =
        actor !== null &&
        inVocabulary !== undefined &&
        (inVocabulary.review || policy.mayChangeTerm(actor, inVocabulary, row));
      if (privileged) published.delete(row.id);
    }
    return published;
  }

  /**
   * A deleted concept answers with its deletion to whoever may read its vocabulary: 410 where a
   * vocabulary names it (how its IRI is read), 404 on the seed's /api/terms/:id, whose contract that is.
   */
  async #assertNotDeleted(id: string, actor: Actor | null, vocabularySlug?: string): Promise<void> {
    const latest = await this.#revisions.latest(this.#db, id);
    if (latest?.action !== 'deleted') return;
    const vocabulary = await this.#vocabularies.byId(this.#db, latest.vocabularyId, actor);
    // '' : any vocabulary (resolving an IRI), answered 410 like a vocabulary-scoped read.
    if (
      !vocabulary?.permissions.read ||
      (vocabularySlug !== undefined && vocabularySlug !== '' && vocabulary.slug !== vocabularySlug)
    )
      return;
    throw errors.termDeleted(
      {
        revision: latest.revision,
        version: latest.termVersion,
        deleted_at: latest.createdAt.toISOString(),
        deleted_by: latest.authorId,
      },
      vocabularySlug === undefined ? 404 : 410,
    );
  }

  /** The concepts a mapping or a replacement names, and whether the caller may read each. */
  async #targets(db: Db, ids: readonly string[], actor: Actor): Promise<Map<string, TargetConcept>> {
    const rows = await this.#repository.findByIds(db, [...new Set(ids)]);
    const readable = new Map<string, boolean>();
    for (const vocabularyId of new Set(rows.map((row) => row.vocabularyId)))
      readable.set(
        vocabularyId,
        (await this.#vocabularies.byId(db, vocabularyId, actor))?.permissions.read ?? false,
      );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          vocabularyId: row.vocabularyId,
          iri: row.iri,
          readable: readable.get(row.vocabularyId)!,
        },
      ]),
    );
  }

  /** One level of a vocabulary's broader/narrower tree, for browsing it a branch at a time. */
  async hierarchy(slug: string, query: HierarchyQuery, actor: Actor | null): Promise<HierarchyPage> {
    const vocabulary = await this.#vocabularies.bySlug(this.#db, slug, actor);
    assertReadable(vocabulary, `No vocabulary "${slug}".`);
    if (query.parent !== undefined) {
      const parent = await this.#repository.findById(this.#db, query.parent);
      if (parent?.vocabularyId !== vocabulary.id) throw errors.notFound(`No term with this id in "${slug}".`);
    }
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, 'term');
    const { rows, keys } = await this.#repository.hierarchyLevel(
      this.#db,
      vocabulary.id,
      query.parent ?? null,
      query.limit,
      after,
    );
    const page = rows.slice(0, query.limit);
    const extras = await this.#repository.listExtras(
      this.#db,
      page.map((row) => row.id),
    );
    const last = keys[page.length - 1];
    // Readers get a pending concept's published labels and status (its place in the tree is the live one).
    const { permissions } = vocabulary;
    const published =
      permissions.review || permissions.edit_terms
        ? new Map<string, PublishedRow>()
        : await this.#publications.published(
            this.#db,
            page.filter(hasPendingChange).map((row) => row.id),
          );
    return {
      parent: query.parent ?? null,
      items: page.map((row) => {
        const served = published.get(row.id)?.snapshot;
        return served
          ? { ...row, term: served.term, status: served.status, pref_labels: served.pref_labels }
          : { ...row, pref_labels: extras.get(row.id)?.prefLabels ?? {} };
      }),
      next_cursor: rows.length > query.limit && last ? encodeCursor('term', last) : null,
    };
  }

  /** The caller's permissions in the term's vocabulary, when they may change it: 404 or 403 otherwise. */
  async #changeable(
    db: Db,
    term: TermRow | undefined,
    user: AuthUser,
    options: { statusOnly?: boolean } = {},
  ): Promise<{ term: TermRow; permissions: VocabularyPermissions; vocabulary: VocabularyInScope }> {
    if (!term) throw errors.notFound('No term with this id.');
    const vocabulary = await this.#vocabularies.byId(db, term.vocabularyId, user);
    assertReadable(vocabulary);
    const permissions = vocabulary.permissions;
    if (!policy.mayChangeTerm(user, permissions, term) && !(options.statusOnly && permissions.review))
      throw errors.forbidden(
        permissions.create_terms
          ? 'Only the creator of a term or an editor of its vocabulary may change or delete it.'
          : 'Only the editors of this vocabulary may change or delete its terms.',
      );
    return { term, permissions, vocabulary };
  }
}

function assertTransition(
  from: TermRow['status'],
  to: TermRow['status'],
  permissions: VocabularyPermissions,
): void {
  const allowed = statusTransitions[from];
  if (!allowed.includes(to)) throw errors.invalidStatusTransition(from, to, allowed);
  if (to === 'validated' && !permissions.review)
    throw errors.forbidden(
      'Only a reviewer of this vocabulary (or an administrator) may mark a term as validated.',
    );
}

export function toConcept(
  row: TermRow,
  parts: StoredParts,
  vocabulary: Pick<VocabularyInScope, 'slug' | 'defaultLanguage' | 'languages'>,
  permissions: Concept['permissions'],
): Omit<Concept, 'publication'> {
  return {
    ...toTerm(row),
    vocabulary_slug: vocabulary.slug,
    language: vocabulary.defaultLanguage,
    content_languages: [
      vocabulary.defaultLanguage,
      ...vocabulary.languages.filter((language) => language !== vocabulary.defaultLanguage),
    ],
    ...parts,
    permissions,
  };
}

export function toTerm(row: TermRow): Term {
  return {
    id: row.id,
    vocabulary_id: row.vocabularyId,
    notation: row.notation,
    iri: row.iri,
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

/** A concept whose status is neither validated nor deprecated but which has a published revision. */
function hasPendingChange(row: Pick<TermRow, 'status'>): boolean {
  return row.status !== 'validated' && row.status !== 'deprecated';
}

/** The row as its published revision had it. */
function publishedRow(row: TermRow, published: PublishedRow): TermRow {
  const { snapshot } = published;
  return {
    ...row,
    notation: snapshot.notation,
    iri: snapshot.iri,
    term: snapshot.term,
    definition: snapshot.definition,
    domain: snapshot.domain,
    level: snapshot.level,
    status: snapshot.status,
    version: published.termVersion,
    updatedAt: published.publishedAt,
  };
}
