import { describe, expect, it } from 'vitest';
import { createVocabularyBodySchema, updateVocabularyBodySchema } from '@lexikon/contracts/vocabularies';
import { createVocabularyInput, languageList, titleIn, updateVocabularyInput } from './form.ts';

describe('vocabulary forms → API bodies', () => {
  it('creates with only what was filled in, and the contract accepts it', () => {
    const body = createVocabularyInput({
      slug: ' physics ',
      title: 'Physique',
      description: '',
      default_language: 'fr',
      languages: 'fr, en ;de',
      base_iri: ' https://example.org/physics/ ',
      license: '',
      visibility: 'public',
      contribution: 'signed_in',
      pref_label_uniqueness: 'none',
    });
    expect(body).toEqual({
      slug: 'physics',
      title: { fr: 'Physique' },
      default_language: 'fr',
      languages: ['fr', 'en', 'de'],
      base_iri: 'https://example.org/physics/',
      visibility: 'public',
      contribution: 'signed_in',
      pref_label_uniqueness: 'none',
    });
    expect(createVocabularyBodySchema.safeParse(body).success).toBe(true);
  });

  it('edits the default language title and keeps the others; an emptied description is removed', () => {
    const current = {
      default_language: 'fr',
      title: { fr: 'Physique', en: 'Physics' },
      description: { fr: 'Ancienne', en: 'Old' },
    };
    const body = updateVocabularyInput(
      { title: 'Physique générale', description: '', version: '3' },
      current,
    );
    expect(body).toEqual({
      title: { fr: 'Physique générale', en: 'Physics' },
      description: { en: 'Old' },
      license: null,
      version: 3,
    });
    expect(updateVocabularyBodySchema.safeParse(body).success).toBe(true);
  });

  it('splits language lists on commas, semicolons and spaces', () => {
    expect(languageList(' ')).toBeUndefined();
    expect(languageList('fr en,,pt-BR')).toEqual(['fr', 'en', 'pt-BR']);
  });

  it('shows the title in the reader language, its primary subtag, or the default', () => {
    const title = { fr: 'Physique', 'en-GB': 'Physics' };
    expect(titleIn(title, 'en', 'fr')).toBe('Physics');
    expect(titleIn(title, 'de', 'fr')).toBe('Physique');
  });
});
