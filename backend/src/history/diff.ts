import type { ConceptSnapshot, FieldChange } from './schemas.ts';

/** The fields in the order a reader scans a concept; those keyed by language are compared per language. */
const FIELD_ORDER: readonly (keyof ConceptSnapshot)[] = [
  'term',
  'definition',
  'pref_labels',
  'definitions',
  'alt_labels',
  'hidden_labels',
  'domain',
  'level',
  'status',
  'notation',
  'iri',
  'sources',
  'notes',
  'mappings',
  'replaced_by',
  'relations',
  'created_by',
];
const PER_LANGUAGE = new Set<keyof ConceptSnapshot>(['pref_labels', 'definitions']);

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

// Snapshots come from jsonb, which orders object keys itself: equal values serialise equally.
const same = (a: unknown, b: unknown) =>
  (isEmpty(a) && isEmpty(b)) || JSON.stringify(a) === JSON.stringify(b);

/**
 * What changed from one snapshot to another, field by field (per language for labels and definitions);
 * `before` is null for a concept that did not exist yet. A change lists `before` and `after` as stored, so
 * a client can show a word-level diff of a text or the items added to and removed from a list.
 */
export function snapshotChanges(before: ConceptSnapshot | null, after: ConceptSnapshot): FieldChange[] {
  const changes: FieldChange[] = [];
  const push = (change: FieldChange) => changes.push(change);
  const old = (before ?? {}) as Partial<Record<keyof ConceptSnapshot, unknown>>;
  const keys = [
    ...FIELD_ORDER,
    ...Object.keys(after).filter((key) => !FIELD_ORDER.includes(key as keyof ConceptSnapshot)),
  ] as (keyof ConceptSnapshot)[];
  for (const field of keys) {
    const from = old[field];
    const to = after[field];
    if (PER_LANGUAGE.has(field)) {
      const a = (from ?? {}) as Record<string, string>;
      const b = (to ?? {}) as Record<string, string>;
      for (const language of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
        if (a[language] !== b[language])
          push({
            field: `${field}.${language}`,
            ...(a[language] === undefined ? {} : { before: a[language] }),
            ...(b[language] === undefined ? {} : { after: b[language] }),
          });
    } else if (!same(from, to)) {
      push({
        field,
        ...(before === null || from === undefined ? {} : { before: from }),
        ...(to === undefined ? {} : { after: to }),
      });
    }
  }
  return changes;
}
