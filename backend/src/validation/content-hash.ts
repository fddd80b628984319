import { createHash } from 'node:crypto';

/**
 * Identifies the text validators look at. Status and level changes bump a term's version but not this
 * hash, so findings about the text still apply after them, and they do not queue a new validation.
 */
export function contentHash(term: { term: string; definition: string; domain: string | null }): string {
  return createHash('sha256')
    .update(JSON.stringify([term.term, term.definition, term.domain ?? null]))
    .digest('hex');
}
