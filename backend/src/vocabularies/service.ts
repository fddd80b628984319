import type { AuditRecorder } from '../audit/recorder.ts';
import { policy, type Actor, type VocabularyAccess } from '../auth/policy.ts';
import type { Db } from '../platform/database/client.ts';
import { isUniqueViolation } from '../platform/database/errors.ts';
import { errors } from '../platform/errors.ts';
import { vocabularySettings } from './settings.ts';
import type { MemberRow, VocabulariesRepository, VocabularyWithRole } from './repository.ts';
import {
  DEFAULT_VOCABULARY_SLUG,
  type CreateVocabularyBody,
  type GrantRoleBody,
  type UpdateVocabularyBody,
  type Vocabulary,
  type VocabularyMember,
  type VocabularyPermissions,
  type VocabularyRole,
} from './schemas.ts';

/**
 * Vocabularies (SKOS concept schemes) and their members. Every decision is the policy's
 * (auth/policy.ts); a vocabulary the caller may not read answers 404, as if it did not exist.
 */
export class VocabulariesService {
  readonly #db: Db;
  readonly #repository: VocabulariesRepository;
  /** Where concept IRIs are minted when a vocabulary names no base IRI: this server's web address. */
  readonly #publicWebUrl: string;

  readonly #audit: AuditRecorder;

  constructor(deps: {
    db: Db;
    repository: VocabulariesRepository;
    publicWebUrl: string;
    audit: AuditRecorder;
  }) {
    this.#audit = deps.audit;
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#publicWebUrl = deps.publicWebUrl.replace(/\/+$/, '');
  }

  async list(actor: Actor | null): Promise<Vocabulary[]> {
    const rows = await this.#repository.list(this.#db, actor?.id ?? null);
    return rows
      .map((row) => toVocabulary(row, permissionsOf(actor, row), actor))
      .filter((vocabulary) => vocabulary.permissions.read);
  }

  async get(slug: string, actor: Actor | null): Promise<Vocabulary> {
    const row = await this.#readable(this.#db, slug, actor, { count: true });
    return toVocabulary(row, permissionsOf(actor, row), actor);
  }

  async create(body: CreateVocabularyBody, actor: Actor): Promise<Vocabulary> {
    try {
      await this.#db.transaction(async (tx) => {
        const row = await this.#repository.insert(tx, {
          slug: body.slug,
          title: body.title,
          description: body.description,
          defaultLanguage: body.default_language,
          languages: body.languages ?? [body.default_language],
          baseIri: body.base_iri ?? `${this.#publicWebUrl}/vocabularies/${body.slug}/`,
          license: body.license ?? null,
          visibility: body.visibility,
          contribution: body.contribution,
          uniquePrefLabels: body.pref_label_uniqueness === 'domain',
          approvalsRequired: body.approvals_required,
          selfApproval: body.self_approval,
          createdBy: actor.id,
        });
        // Whoever makes a vocabulary owns it.
        await this.#repository.upsertMember(tx, {
          vocabularyId: row.id,
          userId: actor.id,
          role: 'owner',
          grantedBy: actor.id,
        });
        await this.#audit.record(tx, {
          action: 'vocabulary.created',
          actorId: actor.id,
          target: { type: 'vocabulary', id: row.slug },
          details: { visibility: row.visibility },
        });
      });
    } catch (error) {
      if (isUniqueViolation(error, 'vocabularies_slug_key')) throw errors.vocabularyExists(body.slug);
      throw error;
    }
    return this.get(body.slug, actor);
  }

  async update(
    slug: string,
    body: UpdateVocabularyBody,
    expectedVersion: number,
    actor: Actor,
  ): Promise<Vocabulary> {
    const { version: _version, ...changes } = body;
    try {
      await this.#db.transaction(async (tx) => {
        const current = await this.#readable(tx, slug, actor, { lock: true, count: true });
        if (!permissionsOf(actor, current).edit_settings)
          throw errors.forbidden('Only the owners of this vocabulary may change its settings.');
        if (current.version !== expectedVersion)
          throw errors.preconditionFailed(
            `You are editing version ${expectedVersion}, but the vocabulary is now at version ${current.version}.`,
            { current: toVocabulary(current, permissionsOf(actor, current), actor) },
          );
        const defaultLanguage = changes.default_language ?? current.defaultLanguage;
        const languages = changes.languages ?? current.languages;
        const title = changes.title ?? current.title;
        const problems = [
          ...(languages.includes(defaultLanguage)
            ? []
            : [
                {
                  path: 'body.languages',
                  message: `Must include the default language "${defaultLanguage}".`,
                },
              ]),
          ...(defaultLanguage in title
            ? []
            : [
                { path: 'body.title', message: `Give a title in the default language "${defaultLanguage}".` },
              ]),
        ];
        if (problems.length > 0) throw errors.validation(problems);
        // `term` and `definition` are in the default language: it cannot change under them.
        if (defaultLanguage !== current.defaultLanguage && current.termCount > 0)
          throw errors.defaultLanguageFixed(current.defaultLanguage);
        const removed = current.languages.filter((language) => !languages.includes(language));
        if (removed.length > 0) {
          const inUse = await this.#repository.languagesInUse(tx, current.id);
          const stillUsed = removed.filter((language) => inUse.includes(language));
          if (stillUsed.length > 0) throw errors.languageInUse(stillUsed);
        }
        await this.#repository.update(tx, current.id, {
          ...(changes.title !== undefined && { title: changes.title }),
          ...(changes.description !== undefined && { description: changes.description }),
          ...(changes.default_language !== undefined && { defaultLanguage }),
          ...(changes.languages !== undefined && { languages }),
          ...(changes.base_iri !== undefined && { baseIri: changes.base_iri }),
          ...(changes.license !== undefined && { license: changes.license }),
          ...(changes.visibility !== undefined && { visibility: changes.visibility }),
          ...(changes.contribution !== undefined && { contribution: changes.contribution }),
          ...(changes.pref_label_uniqueness !== undefined && {
            uniquePrefLabels: changes.pref_label_uniqueness === 'domain',
          }),
          ...(changes.approvals_required !== undefined && { approvalsRequired: changes.approvals_required }),
          ...(changes.self_approval !== undefined && { selfApproval: changes.self_approval }),
        });
        await this.#audit.record(tx, {
          action: 'vocabulary.updated',
          actorId: actor.id,
          target: { type: 'vocabulary', id: current.slug },
          details: {
            changed: Object.keys(changes).sort(),
            ...(changes.visibility && { visibility: changes.visibility }),
          },
        });
      });
    } catch (error) {
      // Making labels unique again cascades onto every term: existing repeats refuse it.
      if (isUniqueViolation(error, 'terms_domain_term_key')) throw errors.duplicatePrefLabels();
      throw error;
    }
    return this.get(slug, actor);
  }

  async delete(slug: string, actor: Actor, expectedVersion?: number): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const current = await this.#readable(tx, slug, actor, { lock: true, count: true });
      if (!permissionsOf(actor, current).delete)
        throw errors.forbidden(
          current.slug === DEFAULT_VOCABULARY_SLUG
            ? 'The default vocabulary cannot be deleted.'
            : 'Only the owners of this vocabulary may delete it.',
        );
      if (expectedVersion !== undefined && current.version !== expectedVersion)
        throw errors.preconditionFailed(
          `You are deleting version ${expectedVersion}, but the vocabulary is now at version ${current.version}.`,
        );
      // Deleting a vocabulary never deletes concepts: they go first, one decision each.
      if (current.termCount > 0) throw errors.vocabularyNotEmpty(current.slug, current.termCount);
      await this.#repository.delete(tx, current.id);
      await this.#audit.record(tx, {
        action: 'vocabulary.deleted',
        actorId: actor.id,
        target: { type: 'vocabulary', id: current.slug },
      });
    });
  }

  // ---- members ---------------------------------------------------------------------------------------

  async members(slug: string, actor: Actor): Promise<VocabularyMember[]> {
    const vocabulary = await this.#readable(this.#db, slug, actor);
    const permissions = permissionsOf(actor, vocabulary);
    // Who works on a private vocabulary is known to its members; of an open one, to anyone who reads it.
    const rows = await this.#repository.members(this.#db, vocabulary.id);
    return rows.map((row) => toMember(row, permissions.manage_members));
  }

  async grant(slug: string, body: GrantRoleBody, actor: Actor): Promise<VocabularyMember> {
    return this.#db.transaction(async (tx) => {
      const vocabulary = await this.#managed(tx, slug, actor);
      const user = await this.#repository.findUser(
        tx,
        body.email !== undefined ? { email: body.email } : { id: body.user_id! },
      );
      if (!user)
        throw errors.notFound(
          body.email !== undefined
            ? `No account uses the e-mail address ${body.email}; they must sign up first.`
            : 'No user with this id.',
        );
      return this.#setRole(tx, vocabulary, user.id, body.role, actor);
    });
  }

  async changeRole(
    slug: string,
    userId: string,
    role: VocabularyRole,
    actor: Actor,
  ): Promise<VocabularyMember> {
    return this.#db.transaction(async (tx) => {
      const vocabulary = await this.#managed(tx, slug, actor);
      const members = await this.#repository.members(tx, vocabulary.id);
      if (!members.some((member) => member.userId === userId))
        throw errors.notFound('This user is not a member of the vocabulary.');
      return this.#setRole(tx, vocabulary, userId, role, actor);
    });
  }

  async revoke(slug: string, userId: string, actor: Actor): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const vocabulary = await this.#readable(tx, slug, actor, { lock: true });
      // Leaving is always allowed (unless it leaves the vocabulary without an owner).
      if (userId !== actor.id && !permissionsOf(actor, vocabulary).manage_members)
        throw errors.forbidden('Only the owners of this vocabulary may manage its members.');
      const removed = await this.#repository.removeMember(tx, vocabulary.id, userId);
      if (removed === null) throw errors.notFound('This user is not a member of the vocabulary.');
      if (removed === 'owner' && (await this.#repository.ownerCount(tx, vocabulary.id)) === 0)
        throw errors.lastOwner();
      await this.#audit.record(tx, {
        action: 'member.revoked',
        actorId: actor.id,
        target: { type: 'user', id: userId },
        details: { vocabulary: vocabulary.slug, role: removed },
      });
    });
  }

  async #setRole(
    tx: Db,
    vocabulary: VocabularyWithRole,
    userId: string,
    role: VocabularyRole,
    actor: Actor,
  ): Promise<VocabularyMember> {
    const previous = await this.#repository.upsertMember(tx, {
      vocabularyId: vocabulary.id,
      userId,
      role,
      grantedBy: actor.id,
    });
    if (
      previous === 'owner' &&
      role !== 'owner' &&
      (await this.#repository.ownerCount(tx, vocabulary.id)) === 0
    )
      throw errors.lastOwner();
    await this.#audit.record(tx, {
      action: previous === null ? 'member.granted' : 'member.changed',
      actorId: actor.id,
      target: { type: 'user', id: userId },
      details: {
        vocabulary: vocabulary.slug,
        role,
        ...(previous === null ? {} : { previous_role: previous }),
      },
    });
    const member = (await this.#repository.members(tx, vocabulary.id)).find((row) => row.userId === userId)!;
    return toMember(member, true);
  }

  /** The vocabulary, locked, when the caller may manage its members. */
  async #managed(tx: Db, slug: string, actor: Actor): Promise<VocabularyWithRole> {
    const vocabulary = await this.#readable(tx, slug, actor, { lock: true });
    if (!permissionsOf(actor, vocabulary).manage_members)
      throw errors.forbidden('Only the owners of this vocabulary may manage its members.');
    return vocabulary;
  }

  async #readable(
    db: Db,
    slug: string,
    actor: Actor | null,
    options: { lock?: boolean; count?: boolean } = {},
  ): Promise<VocabularyWithRole> {
    const row = await this.#repository.findBySlug(db, slug, actor?.id ?? null, options);
    if (!row || !permissionsOf(actor, row).read) throw errors.notFound(`No vocabulary "${slug}".`);
    return row;
  }
}

export function accessOf(
  row: Pick<VocabularyWithRole, 'visibility' | 'contribution' | 'role' | 'slug'>,
): VocabularyAccess {
  return {
    visibility: row.visibility,
    contribution: row.contribution,
    role: row.role,
    isDefault: row.slug === DEFAULT_VOCABULARY_SLUG,
  };
}

function permissionsOf(actor: Actor | null, row: VocabularyWithRole): VocabularyPermissions {
  return policy.vocabulary(actor, accessOf(row));
}

function toVocabulary(
  row: VocabularyWithRole,
  permissions: VocabularyPermissions,
  actor: Actor | null,
): Vocabulary {
  return {
    id: row.id,
    ...vocabularySettings(row),
    term_count: row.termCount,
    version: row.version,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    my_role: actor === null ? null : row.role,
    permissions,
  };
}

function toMember(row: MemberRow, showEmail: boolean): VocabularyMember {
  return {
    user: {
      id: row.userId,
      username: row.username,
      full_name: row.fullName,
      email: showEmail ? row.email : null,
    },
    role: row.role,
    granted_by: row.grantedBy === null ? null : { id: row.grantedBy, name: row.grantedByName ?? '' },
    granted_at: row.grantedAt.toISOString(),
  };
}
