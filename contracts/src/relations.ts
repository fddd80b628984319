import { z } from 'zod';
import { idSchema } from './text.ts';
import { hierarchicalRelationTypes, relationTypes, symmetricRelationTypes } from './vocabulary.ts';

export { hierarchicalRelationTypes, symmetricRelationTypes };

export const relationTypeSchema = z.enum(relationTypes).meta({ id: 'RelationType' });
export type RelationType = z.infer<typeof relationTypeSchema>;

/** The smallest strength stored as given: PostgreSQL's `real` holds about seven significant digits. */
export const MIN_STRENGTH = 0.000001;

export const strengthSchema = z
  .number()
  .min(0)
  .max(1)
  .refine((value) => value === 0 || value >= MIN_STRENGTH, `Use 0, or a value of at least ${MIN_STRENGTH}.`)
  .meta({ description: 'Confidence or weight between 0 and 1.' });

export const createRelationBodySchema = z
  .object({
    target_id: idSchema,
    type: relationTypeSchema,
    strength: strengthSchema.optional(),
  })
  .strict()
  .meta({ id: 'CreateRelation' });

const termRefSchema = z.object({ id: z.uuid(), term: z.string(), domain: z.string().nullable() });

export const relationSchema = z
  .object({
    id: z.uuid(),
    type: relationTypeSchema,
    source: termRefSchema,
    target: termRefSchema,
    strength: z.number().nullable(),
    symmetric: z.boolean(),
    created_by: z.uuid().nullable(),
    created_at: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Relation' });

export const relationListSchema = z.object({ items: z.array(relationSchema) }).meta({ id: 'RelationList' });

export const relationParamsSchema = z.object({
  id: idSchema,
  relationId: idSchema,
});

export type CreateRelationBody = z.infer<typeof createRelationBodySchema>;
export type Relation = z.infer<typeof relationSchema>;
