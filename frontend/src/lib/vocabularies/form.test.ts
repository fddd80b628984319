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
  it('takes the review settings: approvals as a number, an unchecked self-approval box as false', () => {
    const current = { default_language: 'fr', title: { fr: 'Physique' }, description: {} };
    const body = updateVocabularyInput(
      { title: 'Physique', approvals_required: '2', review_settings: '1', version: '1' },
      current,
    );
    expect(body).toMatchObject({ approvals_required: 2, self_approval: false });
    expect(updateVocabularyBodySchema.safeParse(body).success).toBe(true);
    const checked = updateVocabularyInput(
      { title: 'Physique', approvals_required: '1', review_settings: '1', self_approval: 'on', version: '1' },
      current,
    );
    expect(checked).toMatchObject({ approvals_required: 1, self_approval: true });
    const tooMany = updateVocabularyInput(
      { title: 'Physique', approvals_required: '9', version: '1' },
      current,
    );
    expect(updateVocabularyBodySchema.safeParse(tooMany).success).toBe(false);
  });
});
