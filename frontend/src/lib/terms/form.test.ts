import { createTermBodySchema, updateTermBodySchema } from '@lexikon/contracts/terms';
import { describe, expect, it } from 'vitest';
import { fieldErrorsFrom } from '#lib/forms.ts';
import { canEditTerm, createTermInput, excerpt, pluralForm, statusChoices, updateTermInput } from './form.ts';

describe('createTermInput', () => {
  it('names the vocabulary and the notation when given, and the contract checks the notation', () => {
    const input = createTermInput({ term: 'T', definition: 'D', vocabulary: ' ai ', notation: 'c42' });
    expect(input).toMatchObject({ vocabulary: 'ai', notation: 'c42' });
    expect(createTermInput({ term: 'T', definition: 'D', vocabulary: '', notation: ' ' })).toEqual({
      term: 'T',
      definition: 'D',
    });
    const refused = createTermBodySchema.safeParse(
      createTermInput({ term: 'T', definition: 'D', notation: 'a b' }),
    );
    expect(refused.success).toBe(false);
    expect(fieldErrorsFrom(refused.error!, 'fr').notation).toContain('De 1 à 64');
  });

  it('omits a blank domain and lets the API default level and status', () => {
    expect(createTermInput({ term: 'T', definition: 'D', domain: '  ', level: '', status: '' })).toEqual({
      term: 'T',
      definition: 'D',
    });
  });

  it('passes the schema with the same rules as the API', () => {
    const parsed = createTermBodySchema.safeParse(
      createTermInput({
        term: '  Réseau   de neurones ',
        definition: 'Un modèle.',
        domain: 'IA',
        level: 'expert',
        status: 'proposed',
      }),
    );
    expect(parsed.success && parsed.data).toEqual({
      term: 'Réseau de neurones',
      definition: 'Un modèle.',
      domain: 'IA',
      level: 'expert',
      status: 'proposed',
    });
  });

  it('gives localised per-field errors', () => {
    const parsed = createTermBodySchema.safeParse(
      createTermInput({ term: ' ', definition: 'x'.repeat(5001), level: 'guru' }),
    );
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(fieldErrorsFrom(parsed.error, 'fr')).toEqual({
      term: 'Ce champ est obligatoire.',
      definition: 'Au plus 5000 caractères.',
      level: 'Choisissez une valeur de la liste.',
    });
    expect(fieldErrorsFrom(parsed.error, 'en').term).toBe('This field is required.');
  });
});

describe('updateTermInput', () => {
  const values = {
    term: 'T',
    definition: 'D',
    domain: '',
    level: 'advanced',
    status: 'draft',
    original_status: 'draft',
    version: '3',
  };

  it('sends the text fields, clears a blank domain, and skips an unchanged status', () => {
    expect(updateTermInput(values)).toEqual({
      term: 'T',
      definition: 'D',
      domain: null,
      level: 'advanced',
      version: 3,
    });
    expect(updateTermBodySchema.safeParse(updateTermInput(values)).success).toBe(true);
  });

  it('sends a changed status', () => {
    expect(updateTermInput({ ...values, status: 'proposed' })).toMatchObject({ status: 'proposed' });
  });

  it('leaves a bad version for the schema to refuse', () => {
    expect(updateTermBodySchema.safeParse(updateTermInput({ ...values, version: 'x' })).success).toBe(false);
  });
});

describe('statusChoices', () => {
  it('starts with the current status, then the allowed next ones', () => {
    expect(statusChoices('draft', 'user')).toEqual(['draft', 'proposed', 'deprecated']);
    expect(statusChoices('deprecated', 'user')).toEqual(['deprecated', 'draft']);
  });

  it('offers "validated" to administrators only', () => {
    expect(statusChoices('in_review', 'user')).toEqual(['in_review', 'draft', 'proposed', 'deprecated']);
    expect(statusChoices('in_review', 'admin')).toEqual([
      'in_review',
      'draft',
      'proposed',
      'validated',
      'deprecated',
    ]);
  });
});

describe('canEditTerm', () => {
  it('is for the creator and administrators', () => {
    expect(canEditTerm({ created_by: 'u1' }, { userId: 'u1', role: 'user' })).toBe(true);
    expect(canEditTerm({ created_by: 'u1' }, { userId: 'u2', role: 'admin' })).toBe(true);
    expect(canEditTerm({ created_by: 'u1' }, { userId: 'u2', role: 'user' })).toBe(false);
    expect(canEditTerm({ created_by: null }, { userId: 'u2', role: 'user' })).toBe(false);
    expect(canEditTerm({ created_by: 'u1' }, null)).toBe(false);
    // The API's answer wins: an editor of the vocabulary edits others' terms, a viewer not even their own.
    expect(
      canEditTerm({ created_by: 'u1', permissions: { edit: true } }, { userId: 'u2', role: 'user' }),
    ).toBe(true);
    expect(
      canEditTerm({ created_by: 'u2', permissions: { edit: false } }, { userId: 'u2', role: 'user' }),
    ).toBe(false);
    expect(canEditTerm({ created_by: 'u1', permissions: { edit: true } }, null)).toBe(false);
  });
});

describe('excerpt', () => {
  it('keeps short text and flattens whitespace', () => {
    expect(excerpt('Une  définition\ncourte.')).toBe('Une définition courte.');
  });

  it('cuts long text at a word boundary', () => {
    const text = 'mot '.repeat(100);
    const cut = excerpt(text, 50);
    expect(cut.length).toBeLessThanOrEqual(51);
    expect(cut.endsWith('mot…')).toBe(true);
  });
});

describe('pluralForm', () => {
  it('follows each language', () => {
    expect(pluralForm(0, 'fr')).toBe('one');
    expect(pluralForm(0, 'en')).toBe('other');
    expect(pluralForm(1, 'en')).toBe('one');
    expect(pluralForm(2, 'fr')).toBe('other');
  });
});
