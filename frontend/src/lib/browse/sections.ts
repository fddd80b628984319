import type { MessageKey } from '#lib/i18n/messages.ts';

/**
 * The sections of ConceptParts a concept has something in, by the id of their heading: the start of a
 * concept page's "on this page" index (each page adds its own sections after them).
 */
export function conceptSections(concept: {
  definitions: Record<string, string>;
  sources: readonly unknown[];
  notes: readonly unknown[];
  mappings: readonly unknown[];
}): { id: string; label: MessageKey }[] {
  return [
    { id: 'labels-title', label: 'concept.labels' as const, shown: true },
    {
      id: 'definitions-title',
      label: 'concept.definitions' as const,
      shown: Object.keys(concept.definitions).length > 0 || concept.sources.length > 0,
    },
    { id: 'notes-title', label: 'concept.notes' as const, shown: concept.notes.length > 0 },
    { id: 'mappings-title', label: 'concept.mappings' as const, shown: concept.mappings.length > 0 },
  ]
    .filter((section) => section.shown)
    .map(({ id, label }) => ({ id, label }));
}
