import { z } from 'zod';
import { languageTagSchema, perLanguage } from './languages.ts';
import { DEFINITION_MAX_LENGTH, TERM_MAX_LENGTH } from './limits.ts';
import { idSchema, labelSchema, proseSchema } from './text.ts';

/**
 * What a concept carries besides its preferred label and definition in the vocabulary's default language
 * (`term` and `definition`, as in the seed's API): the SKOS labels, definitions, notes, sources and
 * mappings in every content language. Each list is replaced whole when a request sends it.
 */

export const altLabelKinds = ['synonym', 'abbreviation', 'acronym', 'variant'] as const;
export const hiddenLabelKinds = ['misspelling', 'old_spelling', 'other'] as const;
export const noteKinds = ['scope', 'example', 'editorial'] as const;
export const mappingTypes = [
  'exactMatch',
  'closeMatch',
  'broadMatch',
  'narrowMatch',
  'relatedMatch',
] as const;

export type AltLabelKind = (typeof altLabelKinds)[number];
export type HiddenLabelKind = (typeof hiddenLabelKinds)[number];
export type NoteKind = (typeof noteKinds)[number];
export type MappingType = (typeof mappingTypes)[number];

export const LABELS_MAX = 100;
export const NOTES_MAX = 100;
export const SOURCES_MAX = 50;
export const MAPPINGS_MAX = 200;
export const REPLACEMENTS_MAX = 20;
export const CITATION_MAX_LENGTH = 1000;
export const URL_MAX_LENGTH = 2000;
export const IRI_MAX_LENGTH = 2000;

const max = (limit: number, what: string) => `List at most ${limit} ${what}.`;

/** An absolute http(s) URL: a source a reader can open. */
const webUrlSchema = z
  .string()
  .trim()
  .max(URL_MAX_LENGTH, `Use at most ${URL_MAX_LENGTH} characters.`)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'Must be an absolute http(s) URL, such as "https://example.org/page".');

/** Any absolute IRI (http, https, urn, …) of a concept in another vocabulary. */
const iriSchema = z
  .string()
  .trim()
  .max(IRI_MAX_LENGTH, `Use at most ${IRI_MAX_LENGTH} characters.`)
  .refine((value) => {
    if (/[\s<>"{}|\\^`]/.test(value)) return false;
    try {
      return new URL(value).protocol.length > 1;
    } catch {
      return false;
    }
  }, 'Must be an absolute IRI, such as "http://www.wikidata.org/entity/Q11660".');

export const altLabelSchema = z
  .object({
    language: languageTagSchema,
    text: labelSchema(TERM_MAX_LENGTH),
    kind: z.enum(altLabelKinds).default('synonym'),
  })
  .strict()
  .meta({ id: 'AltLabel' });

export const hiddenLabelSchema = z
  .object({
    language: languageTagSchema,
    text: labelSchema(TERM_MAX_LENGTH),
    kind: z.enum(hiddenLabelKinds).default('other'),
  })
  .strict()
  .meta({ id: 'HiddenLabel' });

export const sourceSchema = z
  .object({
    language: languageTagSchema.meta({ description: 'The language of the definition it supports.' }),
    citation: labelSchema(CITATION_MAX_LENGTH).nullable().default(null),
    url: webUrlSchema.nullable().default(null),
  })
  .strict()
  .refine((source) => source.citation !== null || source.url !== null, {
    message: 'Give a citation, a URL, or both.',
  })
  .meta({ id: 'DefinitionSource' });

export const noteSchema = z
  .object({
    kind: z.enum(noteKinds),
    language: languageTagSchema,
    text: proseSchema(DEFINITION_MAX_LENGTH),
  })
  .strict()
  .meta({ id: 'ConceptNote' });

export const mappingSchema = z
  .object({
    type: z.enum(mappingTypes),
    iri: iriSchema.optional().meta({ description: 'The concept of another vocabulary, outside Lexikon.' }),
    term_id: idSchema.optional().meta({ description: 'Or a concept of another Lexikon vocabulary.' }),
    label: labelSchema(TERM_MAX_LENGTH).nullable().default(null),
  })
  .strict()
  .refine((mapping) => (mapping.iri === undefined) !== (mapping.term_id === undefined), {
    message: 'Map to an `iri` or to a `term_id` (one of them).',
  })
  .meta({ id: 'ConceptMapping' });

/** The parts of a concept a create or an edit may send; each replaces what was there. */
export const conceptPartsBodySchema = z.object({
  pref_labels: perLanguage(labelSchema(TERM_MAX_LENGTH)).optional().meta({
    description: "Preferred labels in the other content languages; the default language's is `term`.",
  }),
  alt_labels: z.array(altLabelSchema).max(LABELS_MAX, max(LABELS_MAX, 'alternative labels')).optional(),
  hidden_labels: z.array(hiddenLabelSchema).max(LABELS_MAX, max(LABELS_MAX, 'hidden labels')).optional(),
  definitions: perLanguage(proseSchema(DEFINITION_MAX_LENGTH)).optional().meta({
    description: "Definitions in the other content languages; the default language's is `definition`.",
  }),
  sources: z.array(sourceSchema).max(SOURCES_MAX, max(SOURCES_MAX, 'sources')).optional(),
  notes: z.array(noteSchema).max(NOTES_MAX, max(NOTES_MAX, 'notes')).optional(),
  mappings: z.array(mappingSchema).max(MAPPINGS_MAX, max(MAPPINGS_MAX, 'mappings')).optional(),
  replaced_by: z
    .array(idSchema)
    .max(REPLACEMENTS_MAX, max(REPLACEMENTS_MAX, 'replacements'))
    .optional()
    .meta({ description: 'What to use instead of a deprecated concept.' }),
});

const storedLabel = z.object({ language: z.string(), text: z.string(), kind: z.string() });

/** A concept's parts as the API answers them. */
export const conceptPartsSchema = z.object({
  language: z
    .string()
    .meta({ description: "The language of `term` and `definition`: the vocabulary's default." }),
  pref_labels: z.record(z.string(), z.string()),
  alt_labels: z.array(storedLabel.extend({ kind: z.enum(altLabelKinds) })),
  hidden_labels: z.array(storedLabel.extend({ kind: z.enum(hiddenLabelKinds) })),
  definitions: z.record(z.string(), z.string()),
  sources: z.array(
    z.object({ language: z.string(), citation: z.string().nullable(), url: z.string().nullable() }),
  ),
  notes: z.array(z.object({ kind: z.enum(noteKinds), language: z.string(), text: z.string() })),
  mappings: z.array(
    z.object({
      type: z.enum(mappingTypes),
      iri: z.string(),
      term_id: z.uuid().nullable(),
      label: z.string().nullable(),
    }),
  ),
  replaced_by: z.array(z.uuid()),
});

export type ConceptPartsBody = z.infer<typeof conceptPartsBodySchema>;
export type ConceptParts = z.infer<typeof conceptPartsSchema>;
