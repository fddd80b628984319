import type { ConceptParts, ConceptPartsBody } from '@lexikon/contracts/concepts';

/**
 * The concept-parts editor's inputs are named by the API's own paths ("alt_labels.2.text",
 * "pref_labels.en"), so a field error of the API or of the contract schema lands on its input. Rows the
 * user left blank are dropped, and the rows kept are renumbered: `inputPath` maps an error's path back
 * to the input it came from.
 */

export interface PartsEditorState {
  pref_labels: Record<string, string>;
  definitions: Record<string, string>;
  alt_labels: { language: string; text: string; kind: string }[];
  hidden_labels: { language: string; text: string; kind: string }[];
  sources: { language: string; citation: string; url: string }[];
  notes: { language: string; kind: string; text: string }[];
  mappings: { type: string; iri: string; term_id: string; label: string }[];
  replaced_by: { id: string; label: string }[];
}

type ListField = 'alt_labels' | 'hidden_labels' | 'sources' | 'notes' | 'mappings';

/** Which fields of a row must hold something for it to count: a row with none of them is left out. */
const contentOf: Record<ListField, readonly string[]> = {
  alt_labels: ['text'],
  hidden_labels: ['text'],
  sources: ['citation', 'url'],
  notes: ['text'],
  mappings: ['iri', 'term_id'],
};

/** The editor's starting point: what the concept has (labels of replacements from `names`). */
export function partsEditorState(
  concept: ConceptParts,
  names: Record<string, string> = {},
): PartsEditorState {
  return {
    pref_labels: { ...concept.pref_labels },
    definitions: { ...concept.definitions },
    alt_labels: concept.alt_labels.map((label) => ({ ...label })),
    hidden_labels: concept.hidden_labels.map((label) => ({ ...label })),
    sources: concept.sources.map((source) => ({
      language: source.language,
      citation: source.citation ?? '',
      url: source.url ?? '',
    })),
    notes: concept.notes.map((note) => ({ ...note })),
    mappings: concept.mappings.map((mapping) => ({
      type: mapping.type,
      iri: mapping.term_id ? '' : mapping.iri,
      term_id: mapping.term_id ?? '',
      label: mapping.label ?? '',
    })),
    replaced_by: concept.replaced_by.map((id) => ({ id, label: names[id] ?? id })),
  };
}

/** Rows of `field` as posted, by their input index, in index order. */
function rowsOf(values: Record<string, string>, field: string): [number, Record<string, string>][] {
  const rows = new Map<number, Record<string, string>>();
  const pattern = new RegExp(`^${field}\\.(\\d+)(?:\\.(\\w+))?$`);
  for (const [name, value] of Object.entries(values)) {
    const match = pattern.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    const row = rows.get(index) ?? {};
    row[match[2] ?? 'value'] = value;
    rows.set(index, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b);
}

const trimmed = (value: string | undefined) => value?.trim() ?? '';

/** The parts body of a posted editor (every part sent, so that what was removed goes). */
export function conceptPartsInput(values: Record<string, string>): {
  body: Required<ConceptPartsBody>;
  inputPath: (path: string) => string;
} {
  const renumbered = new Map<string, string>();
  const perLanguage = (field: 'pref_labels' | 'definitions') =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([name, value]) => name.startsWith(`${field}.`) && value.trim() !== '')
        .map(([name, value]) => [
          name.slice(field.length + 1),
          field === 'pref_labels' ? value.trim() : value,
        ]),
    );
  const list = <T>(field: ListField, shape: (row: Record<string, string>) => T): T[] => {
    const kept = rowsOf(values, field).filter(([, row]) =>
      contentOf[field].some((key) => trimmed(row[key]) !== ''),
    );
    kept.forEach(([index], position) => renumbered.set(`${field}.${position}`, `${field}.${index}`));
    return kept.map(([, row]) => shape(row));
  };
  const optional = (value: string | undefined) => (trimmed(value) === '' ? undefined : trimmed(value));
  const body = {
    pref_labels: perLanguage('pref_labels'),
    definitions: perLanguage('definitions'),
    alt_labels: list('alt_labels', (row) => ({
      language: trimmed(row.language),
      text: trimmed(row.text),
      kind: row.kind ?? 'synonym',
    })),
    hidden_labels: list('hidden_labels', (row) => ({
      language: trimmed(row.language),
      text: trimmed(row.text),
      kind: row.kind ?? 'misspelling',
    })),
    sources: list('sources', (row) => ({
      language: trimmed(row.language),
      ...(optional(row.citation) && { citation: optional(row.citation) }),
      ...(optional(row.url) && { url: optional(row.url) }),
    })),
    notes: list('notes', (row) => ({
      kind: row.kind ?? 'scope',
      language: trimmed(row.language),
      text: row.text ?? '',
    })),
    mappings: list('mappings', (row) => ({
      type: row.type ?? 'exactMatch',
      ...(optional(row.term_id) ? { term_id: optional(row.term_id) } : { iri: trimmed(row.iri) }),
      label: optional(row.label) ?? null,
    })),
    replaced_by: [
      ...new Set(
        rowsOf(values, 'replaced_by')
          .map(([, row]) => trimmed(row.value))
          .filter(Boolean),
      ),
    ],
  } as Required<ConceptPartsBody>;
  return {
    body,
    inputPath(path) {
      const [field, index, ...rest] = path.split('.');
      const input = renumbered.get(`${field}.${index}`);
      return input ? [input, ...rest].join('.') : path;
    },
  };
}

/** A language's name in the reader's language ("Deutsch" → "allemand"), or the tag when unknown. */
export function languageName(tag: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/**
 * The editor as the user left it, from a submission that came back refused: every row in its input
 * order, blank ones too, so the error paths (input indices) still name the same rows.
 */
export function editorStateFromValues(values: Record<string, string>): PartsEditorState {
  const perLanguage = (field: 'pref_labels' | 'definitions') =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([name]) => name.startsWith(`${field}.`))
        .map(([name, value]) => [name.slice(field.length + 1), value]),
    );
  const rows = (field: ListField | 'replaced_by') => rowsOf(values, field).map(([, row]) => row);
  return {
    pref_labels: perLanguage('pref_labels'),
    definitions: perLanguage('definitions'),
    alt_labels: rows('alt_labels').map((row) => ({
      language: row.language ?? '',
      text: row.text ?? '',
      kind: row.kind ?? 'synonym',
    })),
    hidden_labels: rows('hidden_labels').map((row) => ({
      language: row.language ?? '',
      text: row.text ?? '',
      kind: row.kind ?? 'misspelling',
    })),
    sources: rows('sources').map((row) => ({
      language: row.language ?? '',
      citation: row.citation ?? '',
      url: row.url ?? '',
    })),
    notes: rows('notes').map((row) => ({
      language: row.language ?? '',
      kind: row.kind ?? 'scope',
      text: row.text ?? '',
    })),
    mappings: rows('mappings').map((row) => ({
      type: row.type ?? 'exactMatch',
      iri: row.iri ?? '',
      term_id: row.term_id ?? '',
      label: row.label ?? '',
    })),
    replaced_by: rows('replaced_by')
      .map((row) => row.value ?? '')
      .filter(Boolean)
      .map((id) => ({ id, label: values[`replaced_by_label.${id}`] ?? id })),
  };
}
