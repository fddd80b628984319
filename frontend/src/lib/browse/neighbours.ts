import type { RelationType } from '@lexikon/contracts/vocabulary';

interface Ref {
  id: string;
  term: string;
}
interface RelationLike {
  type: RelationType;
  source: Ref;
  target: Ref;
}

/**
 * A concept's relations as a SKOS reader looks for them: `is_a` to a concept is skos:broader, from one
 * skos:narrower; every other type is a kind of skos:related, kept with its type (see ADR 0005).
 */
export function skosNeighbours(relations: readonly RelationLike[], termId: string) {
  const broader: Ref[] = [];
  const narrower: Ref[] = [];
  const related: (Ref & { type: RelationType; outgoing: boolean })[] = [];
  for (const relation of relations) {
    const outgoing = relation.source.id === termId;
    const other = outgoing ? relation.target : relation.source;
    if (relation.type === 'is_a') (outgoing ? broader : narrower).push(other);
    else related.push({ ...other, type: relation.type, outgoing });
  }
  const byLabel = (a: Ref, b: Ref) => a.term.localeCompare(b.term);
  return { broader: broader.sort(byLabel), narrower: narrower.sort(byLabel), related: related.sort(byLabel) };
}
