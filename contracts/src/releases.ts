import { z } from 'zod';
import { conceptSnapshotSchema, fieldChangeSchema } from './history.ts';
import { proseSchema } from './text.ts';
import { vocabularySlugSchema } from './vocabularies.ts';

/**
 * Releases: an owner freezes a vocabulary's published content under a name (`2026.12`); it never changes,
 * exports byte for byte the same, and compares with another release.
 */

export const RELEASE_NOTE_MAX_LENGTH = 5000;
export const RELEASE_EXPORT_FORMAT = 'lexikon-release';
export const RELEASE_EXPORT_VERSION = 1;

export const releaseNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'A release name is 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit (e.g. 2026.12).',
  )
  .meta({ description: 'The release name, e.g. `2026.12`.' });

export const createReleaseBodySchema = z
  .object({
    name: releaseNameSchema,
    note: proseSchema(RELEASE_NOTE_MAX_LENGTH).optional().meta({ description: 'What this release brings.' }),
  })
  .strict()
  .meta({ id: 'CreateRelease' });
export type CreateReleaseBody = z.infer<typeof createReleaseBodySchema>;

export const releaseParamsSchema = z.object({ slug: vocabularySlugSchema, name: releaseNameSchema });
export const compareReleasesParamsSchema = z.object({
  slug: vocabularySlugSchema,
  name: releaseNameSchema,
  other: releaseNameSchema,
});

export const releaseSchema = z
  .object({
    name: z.string(),
    note: z.string().nullable(),
    vocabulary_slug: z.string(),
    concept_count: z.number().int().nonnegative(),
    content_sha256: z.string().meta({ description: 'SHA-256 (hex) of the release export, byte for byte.' }),
    published_by: z.object({ id: z.uuid().nullable(), name: z.string().nullable() }).nullable(),
    published_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Release' });
export type Release = z.infer<typeof releaseSchema>;

export const releaseListSchema = z.object({ items: z.array(releaseSchema) }).meta({ id: 'ReleaseList' });
export type ReleaseList = z.infer<typeof releaseListSchema>;

/** One concept of a release, as its export holds it: the published revision's snapshot. */
export const releaseConceptSchema = conceptSnapshotSchema
  .extend({ id: z.uuid(), revision: z.number().int().positive() })
  .meta({ id: 'ReleaseConcept' });

/** A release's export (`GET …/releases/:name/export`): canonical, sorted by IRI, reproducible. */
export const releaseExportSchema = z
  .object({
    format: z.literal(RELEASE_EXPORT_FORMAT),
    version: z.literal(RELEASE_EXPORT_VERSION),
    vocabulary: z.record(z.string(), z.unknown()).meta({ description: "The vocabulary's settings then." }),
    release: z.object({
      name: z.string(),
      note: z.string().nullable(),
      published_at: z.iso.datetime({ offset: true }),
      concept_count: z.number().int().nonnegative(),
    }),
    concepts: z.array(releaseConceptSchema),
  })
  .meta({ id: 'ReleaseExport' });
export type ReleaseExport = z.infer<typeof releaseExportSchema>;

const comparedConceptSchema = z.object({
  id: z.uuid(),
  iri: z.string(),
  term: z.string(),
  from_revision: z.number().int().positive().nullable(),
  to_revision: z.number().int().positive().nullable(),
});

export const releaseComparisonSchema = z
  .object({
    from: releaseSchema,
    to: releaseSchema,
    added: z.array(comparedConceptSchema),
    changed: z.array(comparedConceptSchema.extend({ changes: z.array(fieldChangeSchema) })),
    deprecated: z.array(comparedConceptSchema.extend({ changes: z.array(fieldChangeSchema) })),
    deleted: z.array(comparedConceptSchema),
    unchanged: z.number().int().nonnegative(),
  })
  .meta({ id: 'ReleaseComparison' });
export type ReleaseComparison = z.infer<typeof releaseComparisonSchema>;
