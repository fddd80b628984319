import { policy, type Actor } from '../auth/policy.ts';
import type { Db } from '../platform/database/client.ts';
import { vocabulariesRepository, type VocabularyWithRole } from './repository.ts';
import type { VocabularyPermissions } from './schemas.ts';
import { accessOf } from './service.ts';
import { vocabularySettings } from './settings.ts';

/** A vocabulary as other features need it: what it is called, and what the caller may do in it. */
export interface VocabularyInScope {
  id: string;
  slug: string;
  defaultLanguage: string;
  /** The content languages, the default one among them. */
  languages: string[];
  permissions: VocabularyPermissions;
  review: { approvalsRequired: number; selfApproval: boolean };
}

/**
 * What terms, relations, the graph and validation may read of vocabularies: a narrow port (they never
 * reach into the vocabularies repository), answering with the policy's permissions for the caller.
 */
export interface VocabularyReader {
  byId(db: Db, id: string, actor: Actor | null): Promise<VocabularyInScope | undefined>;
  bySlug(db: Db, slug: string, actor: Actor | null): Promise<VocabularyInScope | undefined>;
  /** Every vocabulary the caller may read. */
  readable(db: Db, actor: Actor | null): Promise<VocabularyInScope[]>;
  /** Its settings as the API shows them and an export keeps them (what a release freezes). */
  settings(db: Db, id: string): Promise<ReturnType<typeof vocabularySettings> | undefined>;
}

function inScope(row: VocabularyWithRole | undefined, actor: Actor | null): VocabularyInScope | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    slug: row.slug,
    defaultLanguage: row.defaultLanguage,
    languages: row.languages,
    permissions: policy.vocabulary(actor, accessOf(row)),
    review: { approvalsRequired: row.approvalsRequired, selfApproval: row.selfApproval },
  };
}

export const vocabularyReader: VocabularyReader = {
  byId: async (db, id, actor) =>
    inScope(await vocabulariesRepository.findById(db, id, actor?.id ?? null), actor),
  bySlug: async (db, slug, actor) =>
    inScope(await vocabulariesRepository.findBySlug(db, slug, actor?.id ?? null), actor),
  readable: async (db, actor) =>
    (await vocabulariesRepository.list(db, actor?.id ?? null))
      .map((row) => inScope(row, actor)!)
      .filter((vocabulary) => vocabulary.permissions.read),
  settings: async (db, id) => {
    const row = await vocabulariesRepository.findById(db, id, null);
    return row && vocabularySettings(row);
  },
};
