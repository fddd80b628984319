import { describe, expect, it } from 'vitest';
import { conceptSections } from './sections.ts';

describe('conceptSections', () => {
  it('lists the labels always, and the other parts only where the concept has some', () => {
    const empty = { definitions: {}, sources: [], notes: [], mappings: [] };
    expect(conceptSections(empty).map((section) => section.id)).toEqual(['labels-title']);
    expect(conceptSections({ ...empty, sources: [{}], mappings: [{}] }).map((section) => section.id)).toEqual(
      ['labels-title', 'definitions-title', 'mappings-title'],
    );
  });
});
