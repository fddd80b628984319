import { fail } from '@sveltejs/kit';
import type { z } from 'zod';
import { fieldErrorsFrom, fieldErrorsFromProblem, problemMessage, type FormFailure } from '#lib/forms.ts';
import { translate, type Locale } from '#lib/i18n/messages.ts';
import { ApiProblem, ApiUnreachable } from './api.ts';

/** A failed form submission, typed once so every page reads `form.fieldErrors` the same way. */
export function formFailure(status: number, failure: FormFailure) {
  return fail(status, failure);
}

export function invalidForm(error: z.ZodError, values: Record<string, string>, locale: Locale) {
  return formFailure(400, { values, fieldErrors: fieldErrorsFrom(error, locale) });
}

/**
 * An API failure as form feedback: field errors and a readable message in the reader's language, the
 * typed values kept. Anything that is not an API failure is rethrown.
 */
export function apiFailure(
  error: unknown,
  values: Record<string, string>,
  locale: Locale,
  extra: Pick<FormFailure, 'current'> = {},
) {
  if (error instanceof ApiProblem)
    return formFailure(error.status, {
      ...extra,
      values,
      fieldErrors: fieldErrorsFromProblem(error.problem),
      message: problemMessage(error.problem, locale),
      code: error.problem.code,
    });
  if (error instanceof ApiUnreachable)
    return formFailure(503, {
      ...extra,
      values,
      fieldErrors: {},
      message: translate(locale, 'error.unavailable'),
    });
  throw error;
}
