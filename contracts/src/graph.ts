import { z } from 'zod';
import { relationTypeSchema } from './relations.ts';
import { termLevelSchema, termStatusSchema } from './terms.ts';
import { relationTypes } from './vocabulary.ts';

const typesParam = z
  .string()
  .max(200)
  .transform((value, context) => {
    const types = [
      ...new Set(
        value
          .split(',')
          .map((type) => type.trim())
          .filter(Boolean),
      ),
    ];
    const unknown = types.filter((type) => !(relationTypes as readonly string[]).includes(type));
    if (unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `Unknown relation type(s): ${unknown.join(', ')}. Known: ${relationTypes.join(', ')}.`,
      });
      return z.NEVER;
    }
    return types as z.infer<typeof relationTypeSchema>[];
  })
  .optional()
  .meta({ description: 'Comma-separated relation types to follow (default: all).', example: 'is_a,part_of' });

export const traversalQuerySchema = z
  .object({
    depth: z.coerce.number().int().min(1).max(5).default(2),
    types: typesParam,
    direction: z
      .enum(['out', 'in', 'both'])
      .default('both')
      .meta({ description: 'Follow relations from source to target (out), backwards (in), or both.' }),
  })
  .strict();

export const traversalByNameQuerySchema = traversalQuerySchema
  .extend({
    term: z.string().trim().min(1).max(200).meta({ example: 'Intelligence Artificielle' }),
    domain: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const graphNodeSchema = z.object({
  id: z.uuid(),
  term: z.string(),
  domain: z.string().nullable(),
  level: termLevelSchema,
  status: termStatusSchema,
  depth: z.number().int(),
});

export const graphEdgeSchema = z.object({
  id: z.uuid(),
  source_id: z.uuid(),
  target_id: z.uuid(),
  type: relationTypeSchema,
  strength: z.number().nullable(),
});

export const subgraphSchema = z
  .object({
    start: graphNodeSchema,
    nodes: z
      .array(graphNodeSchema)
      .meta({ description: 'Reached terms, the start included, nearest first.' }),
    edges: z.array(graphEdgeSchema).meta({ description: 'Relations between the returned terms.' }),
    total_nodes: z.number().int(),
    truncated: z.boolean().meta({
      description:
        'True when more terms were in reach than `node_limit`, or more relations among them than `edge_limit`.',
    }),
    edges_truncated: z.boolean().meta({
      description: 'True when the relations were cut at `edge_limit` (those nearest the start are kept).',
    }),
    node_limit: z.number().int(),
    edge_limit: z.number().int(),
    engine: z.string(),
  })
  .meta({ id: 'Subgraph' });

export type TraversalQuery = z.infer<typeof traversalQuerySchema>;
export type SubgraphResponse = z.infer<typeof subgraphSchema>;
