import { z } from 'zod';
import { findingSeverities, llmFindingTypes } from '@lexikon/contracts/validation';

/**
 * The answer the LLM must give, as one zod schema: it is sent to the server as a JSON Schema (structured
 * output) and it is what every answer is parsed against, whatever the server promised.
 */
export const llmVerdictSchema = z
  .object({
    findings: z
      .array(
        z
          .object({
            type: z.enum(llmFindingTypes),
            severity: z.enum(findingSeverities),
            explanation: z.string().trim().min(1).max(1000),
            evidence: z.string().max(500).nullable(),
            suggestion: z.string().max(1000).nullable(),
          })
          .strict(),
      )
      .max(10),
  })
  .strict();

export type LlmVerdict = z.infer<typeof llmVerdictSchema>;

// Structured-output implementations accept a subset of JSON Schema; length limits are left to the parse.
const UNSUPPORTED_KEYWORDS = new Set(['$schema', 'minLength', 'maxLength', 'minItems', 'maxItems']);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => !UNSUPPORTED_KEYWORDS.has(key))
      .map(([key, value]) => [key, strip(value)]),
  );
}

export const verdictJsonSchema = strip(z.toJSONSchema(llmVerdictSchema, { target: 'draft-7' })) as Record<
  string,
  unknown
>;

export type ParsedVerdict =
  | { kind: 'ok'; verdict: LlmVerdict }
  | { kind: 'malformed'; message: string }
  | { kind: 'off_schema'; message: string };

/**
 * Strict: the whole answer must be one JSON document matching the schema. The only leniency is a
 * Markdown code fence around it, which models without structured output add out of habit.
 */
export function parseVerdict(content: string | null): ParsedVerdict {
  if (content === null || content.trim() === '')
    return { kind: 'malformed', message: 'The answer is empty.' };
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(content);
  const text = fenced ? fenced[1]! : content;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      kind: 'malformed',
      message: `The answer is not valid JSON (${error instanceof Error ? error.message : String(error)}).`,
    };
  }
  const parsed = llmVerdictSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    return { kind: 'off_schema', message: `The answer does not match the verdict schema: ${issues}.` };
  }
  return { kind: 'ok', verdict: parsed.data };
}
