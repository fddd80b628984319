import { z } from 'zod';
import { errors } from '../platform/errors.ts';
import type { Keyset } from './repository.ts';
import { termSorts, type TermSort } from './schemas.ts';

const cursorSchema = z.object({
  s: z.enum(termSorts),
  k: z.union([z.string().max(400), z.number().finite()]),
  id: z.uuid(),
});

/** Opaque to clients; it only has to survive a round trip and be rejected cleanly when tampered with. */
export function encodeCursor(sort: TermSort, keyset: Keyset): string {
  return Buffer.from(JSON.stringify({ s: sort, k: keyset.key, id: keyset.id })).toString('base64url');
}

export function decodeCursor(cursor: string, sort: TermSort): Keyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || parsed.data.s !== sort) throw invalidCursor();
  if (sort === 'recent' && (typeof parsed.data.k !== 'string' || Number.isNaN(Date.parse(parsed.data.k))))
    throw invalidCursor();
  if (sort === 'relevance' && typeof parsed.data.k !== 'number') throw invalidCursor();
  return { key: parsed.data.k, id: parsed.data.id };
}

function invalidCursor() {
  return errors.validation(
    [
      {
        path: 'query.cursor',
        message: 'This cursor is not valid for this query; start again from the first page.',
      },
    ],
    'The pagination cursor is not valid.',
  );
}
