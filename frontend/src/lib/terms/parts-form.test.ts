import { describe, expect, it } from 'vitest';
import { updateTermBodySchema } from '@lexikon/contracts/terms';
import { conceptPartsInput, languageName, partsEditorState } from './parts-form.ts';

describe('concept parts editor → PATCH body', () => {
  it('sends every part, drops blank rows, and the contract accepts the result', () => {
    const { body } = conceptPartsInput({
      'pref_labels.fr': ' Apprentissage automatique ',
      'pref_labels.de': '',
      'definitions.fr': "L'étude des algorithmes…",
      'alt_labels.0.language': 'en',
      'alt_labels.0.text': 'ML',
      'alt_labels.0.kind': 'abbreviation',
      'alt_labels.3.language': 'fr',
      'alt_labels.3.text': '   ',
      'alt_labels.3.kind': 'synonym',
      'sources.0.language': 'en',
      'sources.0.citation': 'Mitchell (1997)',
      'sources.0.url': '',
      'notes.1.language': 'en',
      'notes.1.kind': 'example',
      'notes.1.text': 'Spam filters.',
      'mappings.0.type': 'closeMatch',
      'mappings.0.iri': 'http://www.wikidata.org/entity/Q2539',
      'mappings.0.label': '',
      'replaced_by.0': '',
    });
    expect(body).toEqual({
      pref_labels: { fr: 'Apprentissage automatique' },
      definitions: { fr: "L'étude des algorithmes…" },
      alt_labels: [{ language: 'en', text: 'ML', kind: 'abbreviation' }],
      hidden_labels: [],
      sources: [{ language: 'en', citation: 'Mitchell (1997)' }],
      notes: [{ kind: 'example', language: 'en', text: 'Spam filters.' }],
      mappings: [{ type: 'closeMatch', iri: 'http://www.wikidata.org/entity/Q2539', label: null }],
      replaced_by: [],
    });
    expect(updateTermBodySchema.safeParse({ ...body, version: 2 }).success).toBe(true);
  });

  it('points an error of a kept row back at the input it was typed in', () => {
    const { body, inputPath } = conceptPartsInput({
      'alt_labels.0.text': '',
      'alt_labels.0.language': 'en',
      'alt_labels.4.text': 'x'.repeat(600),
      'alt_labels.4.language': 'en',
      'alt_labels.4.kind': 'synonym',
    });
    expect(body.alt_labels).toHaveLength(1);
    const parsed = updateTermBodySchema.safeParse({ ...body, version: 1 });
    expect(parsed.success).toBe(false);
    const path = parsed.error!.issues[0]!.path.join('.');
    expect(path).toBe('alt_labels.0.text');
    expect(inputPath(path)).toBe('alt_labels.4.text');
    expect(inputPath('pref_labels.fr')).toBe('pref_labels.fr');
  });

  it('maps to another Lexikon concept by id, and keeps replacements once each', () => {
    const id = '0f6f2b1e-8d4c-4e55-9a1b-6c7d8e9f0a1b';
    const { body } = conceptPartsInput({
      'mappings.0.type': 'exactMatch',
      'mappings.0.term_id': id,
      'mappings.0.iri': '',
      'replaced_by.0': id,
      'replaced_by.1': id,
    });
    expect(body.mappings).toEqual([{ type: 'exactMatch', term_id: id, label: null }]);
    expect(body.replaced_by).toEqual([id]);
  });

  it('starts from what the concept has', () => {
    const state = partsEditorState(
      {
        language: 'en',
        pref_labels: { fr: 'Chat' },
        alt_labels: [],
        hidden_labels: [],
        definitions: {},
        sources: [{ language: 'en', citation: null, url: 'https://example.org' }],
        notes: [],
        mappings: [{ type: 'exactMatch', iri: 'urn:x', term_id: null, label: null }],
        replaced_by: ['a'],
      },
      { a: 'Félin' },
    );
    expect(state.sources).toEqual([{ language: 'en', citation: '', url: 'https://example.org' }]);
    expect(state.mappings).toEqual([{ type: 'exactMatch', iri: 'urn:x', term_id: '', label: '' }]);
    expect(state.replaced_by).toEqual([{ id: 'a', label: 'Félin' }]);
  });

  it('names languages in the reader language', () => {
    expect(languageName('de', 'fr')).toBe('allemand');
    expect(languageName('not a tag!', 'en')).toBe('not a tag!');
  });
});

describe('the editor after a refused submission', () => {
  it('comes back as it was posted, blank rows included, in input order', async () => {
    const { editorStateFromValues } = await import('./parts-form.ts');
    const state = editorStateFromValues({
      'pref_labels.fr': 'Chat',
      'alt_labels.1.text': 'Minou',
      'alt_labels.1.language': 'fr',
      'alt_labels.1.kind': 'synonym',
      'alt_labels.0.text': '',
      'alt_labels.0.language': 'en',
      'replaced_by.0': 'a',
      'replaced_by_label.a': 'Félin',
    });
    expect(state.pref_labels).toEqual({ fr: 'Chat' });
    expect(state.alt_labels.map((label) => label.text)).toEqual(['', 'Minou']);
    expect(state.replaced_by).toEqual([{ id: 'a', label: 'Félin' }]);
  });
});
