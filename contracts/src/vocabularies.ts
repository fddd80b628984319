import { z } from 'zod';
import { languageTagSchema, perLanguage } from './languages.ts';
import { idSchema, labelSchema, proseSchema } from './text.ts';

/**
 * Vocabularies (SKOS concept schemes) and who may do what in each. The database enums, the API schemas
 * and the web app's forms are built from these arrays.
 */

export const vocabularyVisibilities = ['private', 'internal', 'public'] as const;
/** Strongest first: each role may do everything the ones after it may. */
export const vocabularyRoles = ['owner', 'editor', 'reviewer', 'viewer'] as const;
export const vocabularyContributions = ['members', 'signed_in'] as const;
export const prefLabelUniquenesses = ['domain', 'none'] as const;

export type VocabularyVisibility = (typeof vocabularyVisibilities)[number];
export type VocabularyRole = (typeof vocabularyRoles)[number];
export type VocabularyContribution = (typeof vocabularyContributions)[number];
export type PrefLabelUniqueness = (typeof prefLabelUniquenesses)[number];

/** The vocabulary every term made before vocabularies existed was moved into, and the seed's API writes to. */
export const DEFAULT_VOCABULARY_SLUG = 'default';

export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
export const BASE_IRI_MAX_LENGTH = 500;
export const VOCABULARY_TITLE_MAX_LENGTH = 200;
export const VOCABULARY_DESCRIPTION_MAX_LENGTH = 5000;
export const VOCABULARY_LANGUAGES_MAX = 50;

export const vocabularySlugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'Use 1 to 64 lower-case letters, digits and inner hyphens, such as "medical-terms".')
  .meta({ id: 'VocabularySlug', example: 'medical-terms' });

export const vocabularySlugParamsSchema = z.object({ slug: vocabularySlugSchema });

export const vocabularyVisibilitySchema = z.enum(vocabularyVisibilities).meta({
  id: 'VocabularyVisibility',
  description:
    '`private`: members only; `internal`: any signed-in user may read; `public`: anyone may read, without signing in.',
});
export const vocabularyRoleSchema = z.enum(vocabularyRoles).meta({
  id: 'VocabularyRole',
  description:
    '`owner`: settings, members, releases and everything below; `editor`: create and edit concepts; `reviewer`: validate concepts and override findings; `viewer`: read a private vocabulary.',
});
export const vocabularyContributionSchema = z.enum(vocabularyContributions).meta({
  id: 'VocabularyContribution',
  description:
    '`members`: editors and owners write concepts; `signed_in`: any signed-in user may also add concepts and change the ones they made (the default vocabulary).',
});
export const prefLabelUniquenessSchema = z.enum(prefLabelUniquenesses).meta({
  id: 'PrefLabelUniqueness',
  description:
    '`domain`: two concepts of one domain may not share a preferred label (409); `none`: they may (imported vocabularies repeat labels across branches), and each repeat is reported for review.',
});

/** Where concept IRIs are minted: an absolute IRI ending in "/", "#" or ":" so that a notation can follow. */
export const baseIriSchema = z
  .string()
  .max(BASE_IRI_MAX_LENGTH, `Use at most ${BASE_IRI_MAX_LENGTH} characters.`)
  .refine((value) => {
    if (!/[/#:]$/.test(value) || /[\s<>"{}|\\^`]/.test(value)) return false;
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:' || url.protocol === 'urn:';
    } catch {
      return false;
    }
  }, 'Must be an absolute http(s) or urn IRI ending in "/", "#" or ":", such as "https://example.org/vocab/".')
  .meta({ id: 'BaseIri', example: 'https://vocab.example.org/medical/' });

const titlesSchema = perLanguage(labelSchema(VOCABULARY_TITLE_MAX_LENGTH));
const descriptionsSchema = perLanguage(proseSchema(VOCABULARY_DESCRIPTION_MAX_LENGTH));
const languagesSchema = z
  .array(languageTagSchema)
  .min(1, 'List at least one content language.')
  .max(VOCABULARY_LANGUAGES_MAX, `List at most ${VOCABULARY_LANGUAGES_MAX} languages.`)
  .refine((tags) => new Set(tags).size === tags.length, 'Lists a language twice.');
const licenseSchema = labelSchema(200).nullable().meta({
  description: 'An SPDX identifier or a licence URL, such as "CC-BY-4.0".',
});

/** The default language needs a title, and is one of the content languages. */
function checkLanguages(
  body: { default_language?: string; languages?: string[]; title?: Record<string, string> },
  context: z.RefinementCtx,
): void {
  if (body.default_language && body.languages && !body.languages.includes(body.default_language))
    context.addIssue({
      code: 'custom',
      path: ['languages'],
      message: `Must include the default language "${body.default_language}".`,
    });
  if (body.default_language && body.title && !(body.default_language in body.title))
    context.addIssue({
      code: 'custom',
      path: ['title'],
      message: `Give a title in the default language "${body.default_language}".`,
    });
}

const approvalsRequiredSchema = z
  .number()
  .int()
  .min(1)
  .max(5)
  .meta({ description: 'How many reviewers must approve a change before it is served (1 to 5).' });
const selfApprovalSchema = z.boolean().meta({
  description: "Whether a change's author may approve it (owners and administrators always may).",
});

export const createVocabularyBodySchema = z
  .object({
    slug: vocabularySlugSchema,
    title: titlesSchema,
    description: descriptionsSchema.default({}),
    default_language: languageTagSchema,
    languages: languagesSchema.optional().meta({
      description: 'The content languages; the default language when left out.',
    }),
    base_iri: baseIriSchema.optional().meta({
      description: 'Defaults to this server\'s web address followed by "/vocabularies/<slug>/".',
    }),
    license: licenseSchema.optional(),
    visibility: vocabularyVisibilitySchema.default('private'),
    contribution: vocabularyContributionSchema.default('members'),
    pref_label_uniqueness: prefLabelUniquenessSchema.default('domain'),
    approvals_required: approvalsRequiredSchema.default(1),
    self_approval: selfApprovalSchema.default(false),
  })
  .strict()
  .superRefine(checkLanguages)
  .meta({ id: 'CreateVocabulary' });

export const updateVocabularyBodySchema = z
  .object({
    title: titlesSchema.optional(),
    description: descriptionsSchema.optional(),
    default_language: languageTagSchema.optional(),
    languages: languagesSchema.optional(),
    base_iri: baseIriSchema.optional().meta({
      description: 'Concepts minted from now on use it; existing concepts keep their IRI.',
    }),
    license: licenseSchema.optional(),
    visibility: vocabularyVisibilitySchema.optional(),
    contribution: vocabularyContributionSchema.optional(),
    pref_label_uniqueness: prefLabelUniquenessSchema.optional(),
    approvals_required: approvalsRequiredSchema.optional(),
    self_approval: selfApprovalSchema.optional(),
    version: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'The version being edited; alternatively send it as an If-Match header.' }),
  })
  .strict()
  .refine((body) => Object.keys(body).some((key) => key !== 'version'), 'Send at least one field to change.')
  .meta({ id: 'UpdateVocabulary' });

/** What the caller may do here, decided by the server's policy: the web app shows what these allow. */
export const vocabularyPermissionsSchema = z
  .object({
    read: z.boolean(),
    create_terms: z.boolean(),
    edit_terms: z.boolean().meta({ description: "Edit any concept, not only one's own." }),
    review: z.boolean(),
    edit_settings: z.boolean(),
    manage_members: z.boolean(),
    delete: z.boolean(),
  })
  .meta({ id: 'VocabularyPermissions' });

export const vocabularySchema = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    title: z.record(z.string(), z.string()),
    description: z.record(z.string(), z.string()),
    default_language: z.string(),
    languages: z.array(z.string()),
    base_iri: z.string(),
    license: z.string().nullable(),
    visibility: vocabularyVisibilitySchema,
    contribution: vocabularyContributionSchema,
    pref_label_uniqueness: prefLabelUniquenessSchema,
    approvals_required: z.number().int().positive(),
    self_approval: z.boolean(),
    term_count: z.number().int(),
    version: z.number().int(),
    created_by: z.uuid().nullable(),
    created_at: z.iso.datetime({ offset: true }),
    updated_at: z.iso.datetime({ offset: true }),
    my_role: vocabularyRoleSchema
      .nullable()
      .meta({ description: "The caller's role, if they are a member." }),
    permissions: vocabularyPermissionsSchema,
  })
  .meta({ id: 'Vocabulary' });

export const vocabularyListSchema = z
  .object({ items: z.array(vocabularySchema) })
  .meta({ id: 'VocabularyList' });

export const memberSchema = z
  .object({
    user: z.object({
      id: z.uuid(),
      username: z.string().nullable(),
      full_name: z.string().nullable(),
      email: z.string().nullable().meta({ description: 'Shown to those who may manage members.' }),
    }),
    role: vocabularyRoleSchema,
    granted_by: z.object({ id: z.uuid(), name: z.string() }).nullable(),
    granted_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'VocabularyMember' });

export const memberListSchema = z
  .object({ items: z.array(memberSchema) })
  .meta({ id: 'VocabularyMemberList' });

export const grantRoleBodySchema = z
  .object({
    email: z.string().trim().toLowerCase().email('Must be an e-mail address.').max(320).optional(),
    user_id: idSchema.optional(),
    role: vocabularyRoleSchema,
  })
  .strict()
  .refine((body) => (body.email === undefined) !== (body.user_id === undefined), {
    message: 'Name the member by `email` or by `user_id` (one of them).',
  })
  .meta({ id: 'GrantRole' });

export const memberParamsSchema = z.object({ slug: vocabularySlugSchema, userId: idSchema });
export const changeRoleBodySchema = z
  .object({ role: vocabularyRoleSchema })
  .strict()
  .meta({ id: 'ChangeRole' });

export type CreateVocabularyBody = z.infer<typeof createVocabularyBodySchema>;
export type UpdateVocabularyBody = z.infer<typeof updateVocabularyBodySchema>;
export type Vocabulary = z.infer<typeof vocabularySchema>;
export type VocabularyPermissions = z.infer<typeof vocabularyPermissionsSchema>;
export type VocabularyMember = z.infer<typeof memberSchema>;
export type GrantRoleBody = z.infer<typeof grantRoleBodySchema>;
