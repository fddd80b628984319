import { relationTypes, symmetricRelationTypes, type RelationType } from '@lexikon/contracts/vocabulary';
import type { components } from '#lib/api/schema.ts';

export type Relation = components['schemas']['Relation'];
export type RelationDirection = 'out' | 'in' | 'both';
export interface TermRef {
  id: string;
  term: string;
  domain: string | null;
}

export const directionArrows: Record<RelationDirection, string> = { out: '→', in: '←', both: '↔' };

/** Symmetric relations (synonym, related_to, opposes) read the same both ways: no arrow head. */
export function isDirected(type: RelationType): boolean {
  return !symmetricRelationTypes.includes(type);
}

/** A relation as seen from one of its terms: which way it points, and the term at the other end. */
export interface RelationView {
  id: string;
  type: RelationType;
  direction: RelationDirection;
  arrow: string;
  other: TermRef;
  strength: number | null;
  createdBy: string | null;
}

export function viewRelation(relation: Relation, termId: string): RelationView {
  const outgoing = relation.source.id === termId;
  const direction: RelationDirection =
    relation.symmetric || !isDirected(relation.type) ? 'both' : outgoing ? 'out' : 'in';
  return {
    id: relation.id,
    type: relation.type,
    direction,
    arrow: directionArrows[direction],
    other: outgoing ? relation.target : relation.source,
    strength: relation.strength,
    createdBy: relation.created_by,
  };
}

export interface RelationGroup {
  type: RelationType;
  items: RelationView[];
}

/**
 * Relations grouped by type, in the vocabulary's order; inside a group outgoing first, then both ways,
 * then incoming, each alphabetically by the other term.
 */
export function groupRelations(
  relations: readonly Relation[],
  termId: string,
  locale = 'fr',
): RelationGroup[] {
  const order: Record<RelationDirection, number> = { out: 0, both: 1, in: 2 };
  const byType = new Map<RelationType, RelationView[]>();
  for (const relation of relations) {
    const view = viewRelation(relation, termId);
    byType.set(view.type, [...(byType.get(view.type) ?? []), view]);
  }
  return relationTypes
    .filter((type) => byType.has(type))
    .map((type) => ({
      type,
      items: byType
        .get(type)!
        .sort(
          (a, b) =>
            order[a.direction] - order[b.direction] ||
            a.other.term.localeCompare(b.other.term, locale, { sensitivity: 'base' }),
        ),
    }));
}

/**
 * Who may remove a relation, as the API decides it: an administrator, the relation's creator, or the
 * creator of either term. The other term's creator is unknown here, so this may hide a button the API
 * would allow; it never shows one the API refuses.
 */
export function mayRemoveRelation(
  relation: RelationView,
  termCreatedBy: string | null,
  session: { userId: string; role: 'user' | 'admin' } | null,
): boolean {
  if (!session) return false;
  return (
    session.role === 'admin' || relation.createdBy === session.userId || termCreatedBy === session.userId
  );
}

/** A strength typed in a form, French decimal comma accepted: undefined when blank, NaN when not a number. */
export function parseStrength(value: string | undefined): number | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  if (!/^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/.test(trimmed)) return Number.NaN;
  return Number(trimmed.replace(',', '.'));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string | null | undefined): value is string {
  return typeof value === 'string' && UUID.test(value.trim());
}
