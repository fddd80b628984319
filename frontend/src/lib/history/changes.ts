import type { FieldChange } from '@lexikon/contracts/history';
import { wordDiff, type DiffSegment } from './word-diff.ts';

/** A change as the timeline shows it: a text diffed word by word, a list by its items, a value by its two states. */
export type ChangeView =
  | { field: string; language: string | null; kind: 'text'; segments: DiffSegment[] }
  | { field: string; language: string | null; kind: 'list'; added: string[]; removed: string[] }
  | { field: string; language: string | null; kind: 'value'; before: string | null; after: string | null };

const TEXT_FIELDS = new Set(['term', 'definition', 'pref_labels', 'definitions', 'domain']);

/** One item of a list field in a few words: a label and its kind, a source, a note, a relation. */
export function describeItem(field: string, item: unknown, names: Record<string, string> = {}): string {
  if (typeof item === 'string') return names[item] ?? item;
  const value = item as Record<string, unknown>;
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : '');
  switch (field) {
    case 'alt_labels':
    case 'hidden_labels':
      return `${text('text')} (${text('kind')}, ${text('language')})`;
    case 'sources':
      return [text('citation'), text('url')].filter(Boolean).join(' — ') + ` (${text('language')})`;
    case 'notes':
      return `${text('kind')}: ${text('text')} (${text('language')})`;
    case 'mappings':
      return `${text('type')} ${text('label') || text('iri')}`;
    case 'relations': {
      const target = text('target_id');
      return `${text('type')} → ${names[target] ?? target}`;
    }
    default:
      return JSON.stringify(item);
  }
}

/** Turns the API's field changes into what the timeline draws. */
export function changeViews(
  changes: readonly FieldChange[],
  names: Record<string, string> = {},
): ChangeView[] {
  return changes.map((change) => {
    const [field, language = null] = change.field.split('.', 2) as [string, string?];
    const { before, after } = change;
    if (TEXT_FIELDS.has(field) && (typeof before === 'string' || typeof after === 'string'))
      return {
        field,
        language,
        kind: 'text',
        segments: wordDiff(typeof before === 'string' ? before : '', typeof after === 'string' ? after : ''),
      };
    if (Array.isArray(before) || Array.isArray(after)) {
      const old = (Array.isArray(before) ? before : []).map((item) => describeItem(field, item, names));
      const now = (Array.isArray(after) ? after : []).map((item) => describeItem(field, item, names));
      return {
        field,
        language,
        kind: 'list',
        added: now.filter((item) => !old.includes(item)),
        removed: old.filter((item) => !now.includes(item)),
      };
    }
    const shown = (value: unknown) =>
      value === undefined || value === null
        ? null
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    return { field, language, kind: 'value', before: shown(before), after: shown(after) };
  });
}
