import { describe, expect, it } from 'vitest';
import { registerBodySchema } from '@lexikon/contracts/auth';
import type { Problem, ProblemCode } from '@lexikon/contracts/problem';
import { createRelationBodySchema } from '@lexikon/contracts/relations';
import { createTermBodySchema, TERM_MAX_LENGTH } from '@lexikon/contracts/terms';
import {
  fieldErrorsFrom,
  fieldErrorsFromProblem,
  fieldErrorsOf,
  formValues,
  localizeIssue,
  problemMessage,
} from './forms.ts';
import type { Locale } from './i18n/messages.ts';

/** Field errors of a payload the real contract schema refuses. */
function errorsOf(
  schema: typeof registerBodySchema | typeof createTermBodySchema,
  input: unknown,
  locale: Locale,
) {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
  return fieldErrorsFrom(parsed.error, locale);
}

const validRegistration = { email: 'ada@example.org', password: 'a long passphrase' };
const validTerm = { term: 'Apprentissage automatique', definition: 'Une définition.' };

describe('fieldErrorsFrom with registerBodySchema', () => {
  it.each<[Locale, Record<string, string>]>([
    ['fr', { email: 'Adresse e-mail invalide.', password: 'Au moins 10 caractères.' }],
    ['en', { email: 'Not a valid email address.', password: 'At least 10 characters.' }],
  ])('localises a bad email and a short password (%s)', (locale, expected) => {
    expect(errorsOf(registerBodySchema, { email: 'nope', password: 'short' }, locale)).toEqual(expected);
  });

  it.each<[Locale, string]>([
    ['fr', 'Ce champ est obligatoire.'],
    ['en', 'This field is required.'],
  ])('says a missing field is required (%s)', (locale, required) => {
    expect(errorsOf(registerBodySchema, {}, locale)).toEqual({ email: required, password: required });
  });

  it.each<[Locale, string]>([
    ['fr', 'Au moins 3 caractères.'],
    ['en', 'At least 3 characters.'],
  ])('localises a short username (%s)', (locale, message) => {
    expect(errorsOf(registerBodySchema, { ...validRegistration, username: 'ab' }, locale)).toEqual({
      username: message,
    });
  });

  it('keeps the first error of a field only', () => {
    // An empty password is both too short and not varied enough: the first rule speaks.
    expect(errorsOf(registerBodySchema, { email: 'ada@example.org', password: '' }, 'fr')).toEqual({
      password: 'Au moins 10 caractères.',
    });
  });

  it('files errors without a path under "form"', () => {
    const parsed = registerBodySchema.safeParse('not an object');
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(Object.keys(fieldErrorsFrom(parsed.error, 'en'))).toEqual(['form']);
  });

  // The password policy's refinements are `custom` issues: their sentences are mapped to messages.
  it.each([
    ['a password of one repeated character', 'aaaaaaaaaaaa'],
    ['a common password', 'motdepasse'],
  ])('speaks French about %s', (_label, password) => {
    const { password: message } = errorsOf(registerBodySchema, { ...validRegistration, password }, 'fr');
    expect(message).toBeDefined();
    expect(message).not.toMatch(/^(Use|This) /);
  });
});

describe('fieldErrorsFrom with createTermBodySchema', () => {
  it.each<[Locale, Record<string, string>]>([
    [
      'fr',
      {
        term: 'Ce champ est obligatoire.',
        definition: 'Ce champ est obligatoire.',
        level: 'Choisissez une valeur de la liste.',
      },
    ],
    [
      'en',
      {
        term: 'This field is required.',
        definition: 'This field is required.',
        level: 'Pick a value from the list.',
      },
    ],
  ])('localises blank labels and an unknown level (%s)', (locale, expected) => {
    expect(
      errorsOf(createTermBodySchema, { term: '   ', definition: '\n', level: 'godlike' }, locale),
    ).toEqual(expected);
  });

  it.each<[Locale, string]>([
    ['fr', `Au plus ${TERM_MAX_LENGTH} caractères.`],
    ['en', `At most ${TERM_MAX_LENGTH} characters.`],
  ])('gives the maximum length of a too long term (%s)', (locale, message) => {
    expect(
      errorsOf(createTermBodySchema, { ...validTerm, term: 'x'.repeat(TERM_MAX_LENGTH + 1) }, locale),
    ).toEqual({
      term: message,
    });
  });

  it.each<[Locale, string]>([
    ['fr', 'Caractères de contrôle interdits.'],
    ['en', 'Control characters are not allowed.'],
  ])('translates the contracts’ control-character message (%s)', (locale, message) => {
    expect(errorsOf(createTermBodySchema, { ...validTerm, term: 'bell\u0007' }, locale)).toEqual({
      term: message,
    });
  });

  it('refuses fields the contract does not know', () => {
    const errors = errorsOf(createTermBodySchema, { ...validTerm, colour: 'blue' }, 'en');
    expect(Object.keys(errors)).toEqual(['form']);
  });
});

describe('localizeIssue', () => {
  it('falls back to the issue’s own message for an unknown custom message', () => {
    expect(
      localizeIssue({ code: 'custom', message: 'Something specific.', path: ['x'], input: 1 }, 'fr'),
    ).toBe('Something specific.');
  });

  it('maps the contracts’ "Must not be empty." custom message to required', () => {
    expect(
      localizeIssue({ code: 'custom', message: 'Must not be empty.', path: ['x'], input: '' }, 'en'),
    ).toBe('This field is required.');
  });
});

describe('fieldErrorsFromProblem', () => {
  it('keys API field errors by field name, first one wins', () => {
    const problem: Problem = {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      code: 'validation-failed',
      errors: [
        { path: 'body.email', message: 'Enter a valid email address.' },
        { path: 'body.email', message: 'Second message.' },
        { path: 'body.profile.name', message: 'Nested.' },
        { path: 'body', message: 'Whole body.' },
      ],
    };
    expect(fieldErrorsFromProblem(problem)).toEqual({
      email: 'Enter a valid email address.',
      'profile.name': 'Nested.',
      form: 'Whole body.',
    });
  });

  it('is empty without errors', () => {
    expect(
      fieldErrorsFromProblem({ type: 'about:blank', title: 'x', status: 500, code: 'internal-error' }),
    ).toEqual({});
  });
});

describe('problemMessage', () => {
  const problem = (code: ProblemCode, extra: Partial<Problem> = {}): Problem => ({
    type: 'about:blank',
    title: 'Title from the API',
    status: 400,
    code,
    ...extra,
  });

  it.each<[ProblemCode, Locale, string]>([
    ['invalid-credentials', 'fr', 'E-mail ou mot de passe incorrect.'],
    ['invalid-credentials', 'en', 'Email or password is incorrect.'],
    ['email-taken', 'fr', 'Un compte existe déjà avec cette adresse e-mail.'],
    ['email-taken', 'en', 'An account with this email already exists.'],
    ['not-found', 'fr', 'Cette ressource n’existe pas (ou plus).'],
    ['forbidden', 'en', 'You are not allowed to do this.'],
  ])('translates %s (%s)', (code, locale, message) => {
    expect(problemMessage(problem(code, { detail: 'API detail' }), locale)).toBe(message);
  });

  it('gives the wait of a rate-limited attempt, 60 s when the API does not say', () => {
    expect(problemMessage(problem('rate-limited', { retry_after: 17 }), 'fr')).toBe(
      'Trop de tentatives. Réessayez dans 17 s.',
    );
    expect(problemMessage(problem('rate-limited'), 'en')).toBe('Too many attempts. Try again in 60 s.');
  });

  it('falls back to the API’s detail, then its title, for codes it does not know', () => {
    expect(
      problemMessage(problem('something-new' as ProblemCode, { detail: 'Detail from the API.' }), 'fr'),
    ).toBe('Detail from the API.');
    expect(problemMessage(problem('something-new' as ProblemCode), 'fr')).toBe('Title from the API');
  });

  it('does not mistake inherited object properties for messages', () => {
    expect(problemMessage(problem('constructor' as ProblemCode, { detail: 'plain' }), 'en')).toBe('plain');
  });
});

describe('formValues and fieldErrorsOf', () => {
  it('keeps string fields and drops files', () => {
    const data = new FormData();
    data.set('email', 'ada@example.org');
    data.set('avatar', new Blob(['x']), 'a.png');
    expect(formValues(data)).toEqual({ email: 'ada@example.org' });
  });

  it('reads fieldErrors from whatever a form action returned', () => {
    expect(fieldErrorsOf({ values: {}, fieldErrors: { email: 'x' } })).toEqual({ email: 'x' });
    expect(fieldErrorsOf({ saved: true })).toEqual({});
    expect(fieldErrorsOf(null)).toEqual({});
    expect(fieldErrorsOf(undefined)).toEqual({});
  });
});

describe('number and invisible-character messages', () => {
  const relation = { target_id: '0b3d2c1a-1111-4222-8333-444455556666', type: 'is_a' };

  it.each<[Locale, number, string]>([
    ['en', 1.5, 'At most 1.'],
    ['fr', 1.5, 'Au plus 1.'],
    ['en', -0.5, 'At least 0.'],
    ['en', 1e-50, 'Use 0, or a value of at least 0.000001.'],
  ])('speaks of values, not characters, for a strength (%s, %s)', (locale, strength, message) => {
    const parsed = createRelationBodySchema.safeParse({ ...relation, strength });
    if (parsed.success) throw new Error('expected a refusal');
    expect(fieldErrorsFrom(parsed.error, locale)).toEqual({ strength: message });
  });

  it('refuses a right-to-left override and drops zero-width spaces, in both languages', () => {
    expect(errorsOf(createTermBodySchema, { ...validTerm, term: 'exe\u202Etxt' }, 'en')).toEqual({
      term: 'Invisible formatting characters (such as a right-to-left override) are not allowed.',
    });
    expect(errorsOf(createTermBodySchema, { ...validTerm, term: '\u200B' }, 'fr')).toEqual({
      term: 'Ce champ est obligatoire.',
    });
    expect(createTermBodySchema.parse({ ...validTerm, term: 'Alpha term\u200B' }).term).toBe('Alpha term');
  });
});
