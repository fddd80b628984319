import { createHash } from 'node:crypto';
import { canonicalJson } from '../platform/canonical-json.ts';
import { RELEASE_EXPORT_FORMAT, RELEASE_EXPORT_VERSION } from './schemas.ts';
import type { ReleasedConcept } from './repository.ts';

export interface ReleaseContent {
  vocabulary: Record<string, unknown>;
  name: string;
  note: string | null;
  publishedAt: Date;
  concepts: readonly ReleasedConcept[];
}

/** A release's export: its content, canonical, concepts by IRI. Its SHA-256 is recorded at publication. */
export function releaseExport(content: ReleaseContent): { body: string; sha256: string } {
  const concepts = [...content.concepts]
    .sort((a, b) => (a.iri < b.iri ? -1 : a.iri > b.iri ? 1 : 0))
    .map((concept) => ({ ...concept.snapshot, id: concept.termId, revision: concept.revision }));
  const body = canonicalJson({
    format: RELEASE_EXPORT_FORMAT,
    version: RELEASE_EXPORT_VERSION,
    vocabulary: content.vocabulary,
    release: {
      name: content.name,
      note: content.note,
      published_at: content.publishedAt.toISOString(),
      concept_count: concepts.length,
    },
    concepts,
  });
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}
