import { eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import {
  termDefinitions,
  termLabels,
  termMappings,
  termNotes,
  termReplacements,
  termSources,
} from '../platform/database/schema.ts';
import type { AltLabelKind, ConceptParts, HiddenLabelKind, MappingType, NoteKind } from './schemas.ts';

/** A concept's parts as stored, before the service shapes them for the API. */
export type StoredParts = Omit<ConceptParts, 'language'>;

/** A mapping ready to store: the target's IRI resolved, for a Lexikon concept too. */
export interface MappingRow {
  type: MappingType;
  iri: string;
  termId: string | null;
  label: string | null;
}

/** What an edit replaces; a part left out stays as it is. */
export interface PartsChange {
  prefLabels?: Record<string, string>;
  altLabels?: { language: string; text: string; kind: string }[];
  hiddenLabels?: { language: string; text: string; kind: string }[];
  definitions?: Record<string, string>;
  sources?: { language: string; citation: string | null; url: string | null }[];
  notes?: { kind: NoteKind; language: string; text: string }[];
  mappings?: MappingRow[];
  replacedBy?: string[];
}

const emptyParts = (): StoredParts => ({
  pref_labels: {},
  alt_labels: [],
  hidden_labels: [],
  definitions: {},
  sources: [],
  notes: [],
  mappings: [],
  replaced_by: [],
});

/** Positions keep the order the client sent, per group (kind and language). */
function positioned<Row extends { language: string }>(
  rows: Row[],
  group: (row: Row) => string = (row) => row.language,
) {
  const next = new Map<string, number>();
  return rows.map((row) => {
    const key = group(row);
    const position = next.get(key) ?? 0;
    next.set(key, position + 1);
    return { ...row, position };
  });
}

export const conceptPartsRepository = {
  /** Every part of the given concepts in one round trip. */
  async read(db: Db, ids: readonly string[]): Promise<Map<string, StoredParts>> {
    const parts = new Map<string, StoredParts>(ids.map((id) => [id, emptyParts()]));
    if (ids.length === 0) return parts;
    const result = await db.execute(sql`
      SELECT t.id,
        (SELECT coalesce(json_agg(json_build_object('kind', l.kind, 'language', l.language, 'text', l.text, 'variant', l.variant)
                 ORDER BY l.kind, l.language, l.position), '[]') FROM term_labels l WHERE l.term_id = t.id) AS labels,
        (SELECT coalesce(json_agg(json_build_object('language', d.language, 'text', d.text) ORDER BY d.language), '[]')
           FROM term_definitions d WHERE d.term_id = t.id) AS definitions,
        (SELECT coalesce(json_agg(json_build_object('language', s.language, 'citation', s.citation, 'url', s.url)
                 ORDER BY s.language, s.position), '[]') FROM term_sources s WHERE s.term_id = t.id) AS sources,
        (SELECT coalesce(json_agg(json_build_object('kind', n.kind, 'language', n.language, 'text', n.text)
                 ORDER BY n.kind, n.language, n.position), '[]') FROM term_notes n WHERE n.term_id = t.id) AS notes,
        (SELECT coalesce(json_agg(json_build_object('type', m.type, 'iri', m.target_iri, 'term_id', m.target_term_id, 'label', m.label)
                 ORDER BY m.type, m.target_iri), '[]') FROM term_mappings m WHERE m.term_id = t.id) AS mappings,
        (SELECT coalesce(json_agg(r.replaced_by_id ORDER BY r.replaced_by_id), '[]')
           FROM term_replacements r WHERE r.term_id = t.id) AS replaced_by
      FROM terms t
      WHERE t.id IN (SELECT value::uuid FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
    type Label = { kind: 'pref' | 'alt' | 'hidden'; language: string; text: string; variant: string | null };
    for (const row of rowsOf<{
      id: string;
      labels: Label[];
      definitions: { language: string; text: string }[];
      sources: StoredParts['sources'];
      notes: StoredParts['notes'];
      mappings: StoredParts['mappings'];
      replaced_by: string[];
    }>(result)) {
      const target = parts.get(row.id)!;
      for (const label of row.labels) {
        const { language, text } = label;
        if (label.kind === 'pref') target.pref_labels[language] = text;
        else if (label.kind === 'alt')
          target.alt_labels.push({ language, text, kind: label.variant as AltLabelKind });
        else target.hidden_labels.push({ language, text, kind: label.variant as HiddenLabelKind });
      }
      for (const definition of row.definitions) target.definitions[definition.language] = definition.text;
      target.sources = row.sources;
      target.notes = row.notes;
      target.mappings = row.mappings;
      target.replaced_by = row.replaced_by;
    }
    return parts;
  },

  /** Replaces each part the change names, inside the caller's transaction. */
  async replace(tx: Db, termId: string, change: PartsChange): Promise<void> {
    const labelsChanged =
      change.prefLabels !== undefined || change.altLabels !== undefined || change.hiddenLabels !== undefined;
    if (labelsChanged) {
      const kinds = [
        ...(change.prefLabels !== undefined ? ['pref'] : []),
        ...(change.altLabels !== undefined ? ['alt'] : []),
        ...(change.hiddenLabels !== undefined ? ['hidden'] : []),
      ];
      await tx.execute(
        sql`DELETE FROM term_labels WHERE term_id = ${termId}::uuid AND kind::text IN (SELECT jsonb_array_elements_text(${JSON.stringify(kinds)}::jsonb))`,
      );
      const rows = [
        ...Object.entries(change.prefLabels ?? {}).map(([language, text]) => ({
          termId,
          kind: 'pref' as const,
          language,
          position: 0,
          text,
          variant: null,
        })),
        ...positioned(change.altLabels ?? []).map((label) => ({
          termId,
          kind: 'alt' as const,
          language: label.language,
          position: label.position,
          text: label.text,
          variant: label.kind as never,
        })),
        ...positioned(change.hiddenLabels ?? []).map((label) => ({
          termId,
          kind: 'hidden' as const,
          language: label.language,
          position: label.position,
          text: label.text,
          variant: label.kind as never,
        })),
      ];
      if (rows.length > 0) await tx.insert(termLabels).values(rows);
    }
    if (change.definitions !== undefined) {
      await tx.delete(termDefinitions).where(eq(termDefinitions.termId, termId));
      const rows = Object.entries(change.definitions).map(([language, text]) => ({ termId, language, text }));
      if (rows.length > 0) await tx.insert(termDefinitions).values(rows);
    }
    if (change.sources !== undefined) {
      await tx.delete(termSources).where(eq(termSources.termId, termId));
      const rows = positioned(change.sources).map((source) => ({ termId, ...source }));
      if (rows.length > 0) await tx.insert(termSources).values(rows);
    }
    if (change.notes !== undefined) {
      await tx.delete(termNotes).where(eq(termNotes.termId, termId));
      const rows = positioned(change.notes, (note) => `${note.kind} ${note.language}`).map((note) => ({
        termId,
        ...note,
      }));
      if (rows.length > 0) await tx.insert(termNotes).values(rows);
    }
    if (change.mappings !== undefined) {
      await tx.delete(termMappings).where(eq(termMappings.termId, termId));
      const rows = change.mappings.map((mapping) => ({
        termId,
        type: mapping.type,
        targetIri: mapping.iri,
        targetTermId: mapping.termId,
        label: mapping.label,
      }));
      if (rows.length > 0) await tx.insert(termMappings).values(rows);
    }
    if (change.replacedBy !== undefined) {
      await tx.delete(termReplacements).where(eq(termReplacements.termId, termId));
      const rows = change.replacedBy.map((replacedById) => ({ termId, replacedById }));
      if (rows.length > 0) await tx.insert(termReplacements).values(rows);
    }
  },
};

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type ConceptPartsRepository = typeof conceptPartsRepository;
