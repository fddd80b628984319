import { z } from 'zod';

/** RFC 9457 problem details: the one shape of every error the API returns. */

export const fieldErrorSchema = z.object({
  path: z
    .string()
    .meta({ description: 'Location of the offending value, e.g. "body.email" or "query.limit".' }),
  message: z.string(),
});
export type FieldError = z.infer<typeof fieldErrorSchema>;

export const problemSchema = z
  .looseObject({
    type: z.string().meta({ description: 'URI reference identifying the problem type.' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    code: z.string().meta({ description: 'Stable machine-readable error code.' }),
    request_id: z.string().optional(),
    errors: z.array(fieldErrorSchema).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type Problem = z.infer<typeof problemSchema>;
