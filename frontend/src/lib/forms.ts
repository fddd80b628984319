import type { z } from 'zod';
import type { Problem } from '@lexikon/contracts/problem';
import { MIN_STRENGTH } from '@lexikon/contracts/relations';
import { FORMAT_CHARACTER_MESSAGE } from '@lexikon/contracts/text';
import { hasMessage, translate, type Locale, type MessageKey } from './i18n/messages.ts';

export type FieldErrors = Record<string, string>;

/** What a form action hands back to its page on failure: the values to redisplay and what went wrong. */
export interface FormFailure {
  values: Record<string, string>;
  fieldErrors: FieldErrors;
  message?: string;
  code?: string;
  /** The current state of what the user edited, when someone else changed it first. */
  current?: unknown;
}

/**
 * Localises a zod issue by its code and bounds, so the contracts keep one definition of each rule while
 * the web app speaks French or English. Custom messages have no code to go by and stay in English.
 */
export function localizeIssue(issue: z.core.$ZodIssue, locale: Locale): string {
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'number')
        return translate(locale, 'validation.numberMin', { min: Number(issue.minimum) });
      return issue.origin === 'string' && Number(issue.minimum) <= 1
        ? translate(locale, 'validation.required')
        : translate(locale, 'validation.tooShort', { min: Number(issue.minimum) });
    case 'too_big':
      // Bounds of a number are values, not lengths ("At most 1", not "At most 1 characters").
      return issue.origin === 'number'
        ? translate(locale, 'validation.numberMax', { max: Number(issue.maximum) })
        : translate(locale, 'validation.tooLong', { max: Number(issue.maximum) });
    case 'invalid_format':
      if (customMessageKeys[issue.message]) return translate(locale, customMessageKeys[issue.message]!);
      return issue.format === 'email'
        ? translate(locale, 'validation.email')
        : translate(locale, 'validation.invalid');
    case 'invalid_value':
      return translate(locale, 'validation.choice');
    case 'invalid_type':
      return translate(locale, issue.input === undefined ? 'validation.required' : 'validation.invalid');
    default: {
      const key = customMessageKeys[issue.message];
      return key ? translate(locale, key) : issue.message;
    }
  }
}

// The contracts' own sentences, mapped to their translations.
const customMessageKeys: Record<string, MessageKey> = {
  'Must not contain control characters.': 'validation.controlCharacters',
  [FORMAT_CHARACTER_MESSAGE]: 'validation.formatCharacters',
  [`Use 0, or a value of at least ${MIN_STRENGTH}.`]: 'validation.strengthTiny',
  'Must not be empty.': 'validation.required',
  'Use more varied characters.': 'validation.passwordVaried',
  'This password is too common.': 'validation.passwordCommon',
  'Use letters, digits, dots, dashes or underscores.': 'validation.usernameCharacters',
  'Use 1 to 64 letters, digits, ".", "_", "~" or "-", such as "c1042".': 'validation.notation',
  'Must be a path on this site, like /terms.': 'validation.invalid',
};

/** Field errors keyed by the first path segment, the form field's name. */
export function fieldErrorsFrom(error: z.ZodError, locale: Locale): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= localizeIssue(issue, locale);
  }
  return errors;
}

/** The same, keyed by the whole path ("alt_labels.2.text"): for forms whose inputs are named by it. */
export function fieldErrorsByPath(error: z.ZodError, locale: Locale): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) errors[issue.path.join('.') || 'form'] ??= localizeIssue(issue, locale);
  return errors;
}

/** API field errors ("body.email") keyed by field name. */
export function fieldErrorsFromProblem(problem: Problem): FieldErrors {
  const errors: FieldErrors = {};
  for (const item of problem.errors ?? []) {
    const field = item.path.split('.').slice(1).join('.') || 'form';
    errors[field] ??= item.message;
  }
  return errors;
}

/** A problem as a sentence in the reader's language: by code when we know it, else the API's detail. */
export function problemMessage(problem: Problem, locale: Locale): string {
  const key = `problem.${problem.code}`;
  if (hasMessage(key)) {
    const seconds = typeof problem.retry_after === 'number' ? problem.retry_after : 60;
    return translate(locale, key, { seconds });
  }
  return problem.detail ?? problem.title;
}

/** Form fields as plain strings (files and repeated keys are not used by Lexikon's forms). */
export function formValues(data: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of data) if (typeof value === 'string') values[key] = value;
  return values;
}

/** The field errors of a page's `form` prop, whatever else the action returned. */
export function fieldErrorsOf(form: unknown): Record<string, string | undefined> {
  if (form && typeof form === 'object' && 'fieldErrors' in form) return form.fieldErrors as FieldErrors;
  return {};
}
