import { z } from 'zod';
import { relationTypes } from '../platform/database/schema.ts';

export const relationTypeSchema = z.enum(relationTypes).meta({ id: 'RelationType' });
export type RelationType = z.infer<typeof relationTypeSchema>;

/** Symmetric relations are one fact seen from both ends. */
export const symmetricRelationTypes: readonly RelationType[] = ['related_to', 'synonym', 'opposes'];
/** Hierarchies must stay acyclic: nothing may be, transitively, a kind or a part of itself. */
export const hierarchicalRelationTypes: readonly RelationType[] = ['is_a', 'part_of'];

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
