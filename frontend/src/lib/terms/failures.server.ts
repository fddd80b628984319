import { fail } from '@sveltejs/kit';
import type { ProblemCode } from '@lexikon/contracts/problem';
import { fieldErrorsFromProblem, type FormFailure } from '#lib/forms.ts';
import type { Locale } from '#lib/i18n/messages.ts';
import { ApiProblem } from '#lib/server/api.ts';
import { apiFailure } from '#lib/server/form-failure.ts';
import { termProblemMessage } from './problems.ts';

/**
 * `apiFailure` with the term routes' own problems put into words (allowed statuses, cycle paths), and
 * the problem's field errors; `fieldFor` pins a problem on the field it is about (e.g. term-exists → term).
 */
export function termApiFailure(
  error: unknown,
  values: Record<string, string>,
  locale: Locale,
  options: { extra?: Pick<FormFailure, 'current'>; fieldFor?: Partial<Record<ProblemCode, string>> } = {},
) {
  if (error instanceof ApiProblem) {
    const message = termProblemMessage(error.problem, locale);
    const field = options.fieldFor?.[error.problem.code];
    return fail(error.status, {
      ...options.extra,
      values,
      fieldErrors: { ...fieldErrorsFromProblem(error.problem), ...(field ? { [field]: message } : {}) },
      message,
      code: error.problem.code,
    } satisfies FormFailure);
  }
  return apiFailure(error, values, locale, options.extra);
}
