import { describe, expect, it } from 'vitest';
import { skosNeighbours } from './neighbours.ts';

const ref = (id: string) => ({ id, term: id.toUpperCase() });

describe('skosNeighbours', () => {
  it('reads is_a as broader or narrower by direction, and keeps other types as related', () => {
    const result = skosNeighbours(
      [
        { type: 'is_a', source: ref('me'), target: ref('parent') },
        { type: 'is_a', source: ref('zchild'), target: ref('me') },
        { type: 'is_a', source: ref('achild'), target: ref('me') },
        { type: 'part_of', source: ref('me'), target: ref('whole') },
        { type: 'related_to', source: ref('friend'), target: ref('me') },
      ],
      'me',
    );
    expect(result.broader.map((item) => item.id)).toEqual(['parent']);
    expect(result.narrower.map((item) => item.id)).toEqual(['achild', 'zchild']);
    expect(result.related).toEqual([
      { id: 'friend', term: 'FRIEND', type: 'related_to', outgoing: false },
      { id: 'whole', term: 'WHOLE', type: 'part_of', outgoing: true },
    ]);
  });
});
