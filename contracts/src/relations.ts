import { z } from 'zod';
import { hierarchicalRelationTypes, relationTypes, symmetricRelationTypes } from './vocabulary.ts';

export { hierarchicalRelationTypes, symmetricRelationTypes };

export const relationTypeSchema = z.enum(relationTypes).meta({ id: 'RelationType' });
export type RelationType = z.infer<typeof relationTypeSchema>;

export const createRelationBodySchema = z
  .object({
    target_id: z.uuid({ message: 'Must be a UUID.' }),
    type: relationTypeSchema,
    strength: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .meta({ description: 'Confidence or weight between 0 and 1.' }),
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
  id: z.uuid({ message: 'Must be a UUID.' }),
  relationId: z.uuid({ message: 'Must be a UUID.' }),
});

export type CreateRelationBody = z.infer<typeof createRelationBodySchema>;
export type Relation = z.infer<typeof relationSchema>;
