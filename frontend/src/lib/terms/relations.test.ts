import { describe, expect, it } from 'vitest';
import {
  groupRelations,
  isDirected,
  isUuid,
  mayRemoveRelation,
  parseStrength,
  viewRelation,
  type Relation,
  type TermRef,
} from './relations.ts';

const A: TermRef = {
  id: '00000000-0000-4000-8000-00000000000a',
  term: 'Apprentissage profond',
  domain: 'IA',
};
const B: TermRef = {
  id: '00000000-0000-4000-8000-00000000000b',
  term: 'Apprentissage automatique',
  domain: 'IA',
};
const C: TermRef = { id: '00000000-0000-4000-8000-00000000000c', term: 'Réseau de neurones', domain: null };
const D: TermRef = { id: '00000000-0000-4000-8000-00000000000d', term: 'Deep learning', domain: 'AI' };

function relation(
  id: string,
  type: Relation['type'],
  source: TermRef,
  target: TermRef,
  extra: Partial<Relation> = {},
): Relation {
  return {
    id,
    type,
    source,
    target,
    strength: null,
    symmetric: ['related_to', 'synonym', 'opposes'].includes(type),
    created_by: 'u1',
    created_at: '2024-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('viewRelation', () => {
  it('is outgoing from the source, with the target as the other term', () => {
    expect(viewRelation(relation('r1', 'is_a', A, B), A.id)).toMatchObject({
      direction: 'out',
      arrow: '→',
      other: B,
    });
  });

  it('is incoming at the target, with the source as the other term', () => {
    expect(viewRelation(relation('r1', 'is_a', A, B), B.id)).toMatchObject({
      direction: 'in',
      arrow: '←',
      other: A,
    });
  });

  it('goes both ways for symmetric types, from either end', () => {
    expect(viewRelation(relation('r2', 'synonym', A, D), A.id)).toMatchObject({
      direction: 'both',
      arrow: '↔',
      other: D,
    });
    expect(viewRelation(relation('r2', 'synonym', A, D), D.id)).toMatchObject({
      direction: 'both',
      arrow: '↔',
      other: A,
    });
  });
});

describe('groupRelations', () => {
  it('groups by type in vocabulary order, outgoing first, then alphabetical', () => {
    const groups = groupRelations(
      [
        relation('r1', 'related_to', A, D),
        relation('r2', 'is_a', C, A),
        relation('r3', 'is_a', A, B),
        relation('r4', 'part_of', A, C),
        relation('r5', 'is_a', D, A),
      ],
      A.id,
    );
    expect(groups.map((group) => group.type)).toEqual(['is_a', 'part_of', 'related_to']);
    expect(groups[0]!.items.map((item) => [item.direction, item.other.term])).toEqual([
      ['out', 'Apprentissage automatique'],
      ['in', 'Deep learning'],
      ['in', 'Réseau de neurones'],
    ]);
  });

  it('is empty without relations', () => {
    expect(groupRelations([], A.id)).toEqual([]);
  });
});

describe('isDirected', () => {
  it('knows the symmetric types', () => {
    expect(isDirected('is_a')).toBe(true);
    expect(isDirected('influenced_by')).toBe(true);
    expect(isDirected('synonym')).toBe(false);
    expect(isDirected('related_to')).toBe(false);
    expect(isDirected('opposes')).toBe(false);
  });
});

describe('mayRemoveRelation', () => {
  const view = viewRelation(relation('r1', 'is_a', A, B, { created_by: 'author' }), A.id);
  it('lets admins, the relation’s creator and the term’s creator remove it', () => {
    expect(mayRemoveRelation(view, 'owner', { userId: 'x', role: 'admin' })).toBe(true);
    expect(mayRemoveRelation(view, 'owner', { userId: 'author', role: 'user' })).toBe(true);
    expect(mayRemoveRelation(view, 'owner', { userId: 'owner', role: 'user' })).toBe(true);
  });
  it('hides the button from others and from anonymous readers', () => {
    expect(mayRemoveRelation(view, 'owner', { userId: 'someone', role: 'user' })).toBe(false);
    expect(mayRemoveRelation(view, 'owner', null)).toBe(false);
  });
});

describe('parseStrength', () => {
  it('accepts dots and French commas', () => {
    expect(parseStrength('0.8')).toBe(0.8);
    expect(parseStrength('0,25')).toBe(0.25);
    expect(parseStrength(' 1 ')).toBe(1);
    expect(parseStrength('.5')).toBe(0.5);
  });
  it('is undefined when blank and NaN when not a number', () => {
    expect(parseStrength('')).toBeUndefined();
    expect(parseStrength(undefined)).toBeUndefined();
    expect(parseStrength('abc')).toBeNaN();
    expect(parseStrength('1e3')).toBeNaN();
  });
});

describe('isUuid', () => {
  it('recognises UUIDs only', () => {
    expect(isUuid(A.id)).toBe(true);
    expect(isUuid('not-a-uuid')).toBe(false);
    expect(isUuid(undefined)).toBe(false);
  });
});
