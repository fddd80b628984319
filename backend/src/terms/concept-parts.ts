import { errors } from '../platform/errors.ts';
import type { MappingRow, PartsChange } from './parts-repository.ts';
import type { ConceptPartsBody, TermStatus } from './schemas.ts';

/** A concept another part points at (a mapping's target, a replacement), as the caller may see it. */
export interface TargetConcept {
  id: string;
  vocabularyId: string;
  iri: string;
  /** The caller may read its vocabulary. */
  readable: boolean;
}

export interface PartsContext {
  /** The concept being edited; null while it is created. */
  termId: string | null;
  vocabulary: { id: string; defaultLanguage: string; languages: readonly string[] };
  /** Its status once the write is done. */
  status: TermStatus;
  /** The concepts these ids name, where they exist. */
  targets(ids: readonly string[]): Promise<Map<string, TargetConcept>>;
}

interface Problem {
  path: string;
  message: string;
}

/** Compared as the database compares labels: case and accents folded. */
const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Checks the parts a create or an edit sends against the vocabulary and the concepts they point at, and
 * turns them into what the repository stores. Every problem is reported at once, by field (400).
 */
export async function planConceptParts(body: ConceptPartsBody, context: PartsContext): Promise<PartsChange> {
  const problems: Problem[] = [];
  const { defaultLanguage, languages } = context.vocabulary;
  const checkLanguage = (path: string, language: string) => {
    if (!languages.includes(language))
      problems.push({
        path,
        message: `"${language}" is not a content language of this vocabulary (${languages.join(', ')}).`,
      });
  };
  const perLanguage = (field: 'pref_labels' | 'definitions', own: 'term' | 'definition') => {
    for (const language of Object.keys(body[field] ?? {})) {
      const path = `body.${field}.${language}`;
      if (language === defaultLanguage)
        problems.push({ path, message: `In the default language "${language}", it is \`${own}\`.` });
      else checkLanguage(path, language);
    }
  };
  perLanguage('pref_labels', 'term');
  perLanguage('definitions', 'definition');

  for (const field of ['alt_labels', 'hidden_labels'] as const) {
    const seen = new Set<string>();
    (body[field] ?? []).forEach((label, index) => {
      checkLanguage(`body.${field}.${index}.language`, label.language);
      const key = `${label.language} ${fold(label.text)}`;
      if (seen.has(key))
        problems.push({
          path: `body.${field}.${index}.text`,
          message: 'Lists this label twice (case and accents aside).',
        });
      seen.add(key);
    });
  }
  (body.sources ?? []).forEach((source, index) =>
    checkLanguage(`body.sources.${index}.language`, source.language),
  );
  (body.notes ?? []).forEach((note, index) => checkLanguage(`body.notes.${index}.language`, note.language));

  const mappings = body.mappings ?? [];
  const replacedBy = body.replaced_by ?? [];
  const targets = await context.targets([
    ...mappings.flatMap((mapping) => (mapping.term_id === undefined ? [] : [mapping.term_id])),
    ...replacedBy,
  ]);
  const mappingRows: MappingRow[] = [];
  const mapped = new Set<string>();
  mappings.forEach((mapping, index) => {
    let iri = mapping.iri;
    if (mapping.term_id !== undefined) {
      const target = targets.get(mapping.term_id);
      if (!target?.readable) {
        problems.push({ path: `body.mappings.${index}.term_id`, message: 'No term with this id.' });
        return;
      }
      if (target.vocabularyId === context.vocabulary.id) {
        problems.push({
          path: `body.mappings.${index}.term_id`,
          message: 'Mappings link concepts of other vocabularies; within one vocabulary, add a relation.',
        });
        return;
      }
      iri = target.iri;
    }
    const key = `${mapping.type} ${iri}`;
    if (mapped.has(key))
      problems.push({ path: `body.mappings.${index}`, message: 'Lists this mapping twice.' });
    mapped.add(key);
    mappingRows.push({
      type: mapping.type,
      iri: iri!,
      termId: mapping.term_id ?? null,
      label: mapping.label,
    });
  });

  if (replacedBy.length > 0 && context.status !== 'deprecated')
    problems.push({ path: 'body.replaced_by', message: 'Only a deprecated concept names what replaces it.' });
  replacedBy.forEach((id, index) => {
    if (id === context.termId)
      problems.push({ path: `body.replaced_by.${index}`, message: 'A concept cannot replace itself.' });
    else if (!targets.get(id)?.readable)
      problems.push({ path: `body.replaced_by.${index}`, message: 'No term with this id.' });
  });
  if (new Set(replacedBy).size !== replacedBy.length)
    problems.push({ path: 'body.replaced_by', message: 'Names a replacement twice.' });

  if (problems.length > 0) throw errors.validation(problems);
  return {
    ...(body.pref_labels !== undefined && { prefLabels: body.pref_labels }),
    ...(body.alt_labels !== undefined && { altLabels: body.alt_labels }),
    ...(body.hidden_labels !== undefined && { hiddenLabels: body.hidden_labels }),
    ...(body.definitions !== undefined && { definitions: body.definitions }),
    ...(body.sources !== undefined && { sources: body.sources }),
    ...(body.notes !== undefined && { notes: body.notes }),
    ...(body.mappings !== undefined && { mappings: mappingRows }),
    // A concept brought back from deprecation no longer names replacements.
    ...(body.replaced_by !== undefined
      ? { replacedBy: body.replaced_by }
      : context.status !== 'deprecated' && context.termId !== null
        ? { replacedBy: [] }
        : {}),
  };
}

/** The parts keys of a request body: a change of any of them is an edit of the concept. */
export const CONCEPT_PART_KEYS = [
  'pref_labels',
  'alt_labels',
  'hidden_labels',
  'definitions',
  'sources',
  'notes',
  'mappings',
  'replaced_by',
] as const satisfies readonly (keyof ConceptPartsBody)[];

/** Splits a request body into its concept parts (only those sent) and the rest of its fields. */
export function splitConceptParts<Body extends ConceptPartsBody>(
  body: Body,
): { parts: ConceptPartsBody; rest: Omit<Body, (typeof CONCEPT_PART_KEYS)[number]>; partsSent: boolean } {
  const parts: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body))
    ((CONCEPT_PART_KEYS as readonly string[]).includes(key) ? parts : rest)[key] = value;
  return {
    parts: parts as ConceptPartsBody,
    rest: rest as Omit<Body, (typeof CONCEPT_PART_KEYS)[number]>,
    partsSent: Object.values(parts).some((part) => part !== undefined),
  };
}
