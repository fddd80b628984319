import { describe, expect, it } from 'vitest';
import { changeViews } from './changes.ts';
import { wordDiff } from './word-diff.ts';

const join = (segments: { kind: string; text: string }[], without: string) =>
  segments
    .filter((segment) => segment.kind !== without)
    .map((segment) => segment.text)
    .join('');

describe('wordDiff', () => {
  it('marks the words removed and added, keeping what both texts share', () => {
    const before = 'Splits a text into tokens for a model.';
    const after = 'Splits a text into the tokens a language model reads.';
    const segments = wordDiff(before, after);
    expect(segments).toEqual([
      { kind: 'same', text: 'Splits a text into ' },
      { kind: 'added', text: 'the ' },
      { kind: 'same', text: 'tokens ' },
      { kind: 'removed', text: 'for ' },
      { kind: 'same', text: 'a ' },
      { kind: 'removed', text: 'model.' },
      { kind: 'added', text: 'language model reads.' },
    ]);
    // Each side is given back exactly.
    expect(join(segments, 'added')).toBe(before);
    expect(join(segments, 'removed')).toBe(after);
  });

  it('handles an empty side and identical texts', () => {
    expect(wordDiff('', 'New text')).toEqual([{ kind: 'added', text: 'New text' }]);
    expect(wordDiff('Old text', '')).toEqual([{ kind: 'removed', text: 'Old text' }]);
    expect(wordDiff('Same words', 'Same words')).toEqual([{ kind: 'same', text: 'Same words' }]);
  });
});

describe('changeViews', () => {
  it('diffs texts by word, lists by item, and other values by their two states', () => {
    const target = '00000000-0000-4000-8000-00000000000a';
    const views = changeViews(
      [
        { field: 'definitions.en', before: 'An old one.', after: 'A new one.' },
        {
          field: 'alt_labels',
          before: [{ language: 'en', text: 'LM', kind: 'abbreviation' }],
          after: [{ language: 'en', text: 'LLM', kind: 'abbreviation' }],
        },
        { field: 'relations', before: [], after: [{ type: 'is_a', target_id: target, strength: null }] },
        { field: 'status', before: 'draft', after: 'proposed' },
      ],
      { [target]: 'Model' },
    );
    expect(views).toEqual([
      {
        field: 'definitions',
        language: 'en',
        kind: 'text',
        segments: [
          { kind: 'removed', text: 'An old ' },
          { kind: 'added', text: 'A new ' },
          { kind: 'same', text: 'one.' },
        ],
      },
      {
        field: 'alt_labels',
        language: null,
        kind: 'list',
        added: ['LLM (abbreviation, en)'],
        removed: ['LM (abbreviation, en)'],
      },
      { field: 'relations', language: null, kind: 'list', added: ['is_a → Model'], removed: [] },
      { field: 'status', language: null, kind: 'value', before: 'draft', after: 'proposed' },
    ]);
  });
});
