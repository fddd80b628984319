import type { VocabularyRow } from './repository.ts';
import type { CreateVocabularyBody } from './schemas.ts';

/** A vocabulary's settings as creating it takes them: what the API shows and an export keeps. */
export function vocabularySettings(row: VocabularyRow): Required<
  Omit<CreateVocabularyBody, 'languages' | 'base_iri'>
> & {
  languages: string[];
  base_iri: string;
} {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    default_language: row.defaultLanguage,
    languages: row.languages,
    base_iri: row.baseIri,
    license: row.license,
    visibility: row.visibility,
    contribution: row.contribution,
    pref_label_uniqueness: row.uniquePrefLabels ? 'domain' : 'none',
    approvals_required: row.approvalsRequired,
    self_approval: row.selfApproval,
  };
}
