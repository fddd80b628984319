import { tick } from 'svelte';
import type { ActionResult, SubmitFunction } from '$app/forms';
import { submission, type SubmissionState } from '#lib/enhance.ts';

/** After a failed submission, put the keyboard where the problem is: the first invalid field, else the alert. */
export async function focusFirstProblem(form: HTMLFormElement): Promise<void> {
  await tick();
  const target =
    form.querySelector<HTMLElement>('[aria-invalid="true"]') ??
    form.querySelector<HTMLElement>('[role="alert"]') ??
    form.closest('section')?.querySelector<HTMLElement>('[role="alert"]');
  if (!target) return;
  if (!target.matches('input, select, textarea, button, a[href], [tabindex]')) target.tabIndex = -1;
  target.focus();
}

interface Hooks {
  /** Checked in the browser before sending; return false to keep the form here (errors shown by the caller). */
  validate?: (data: FormData) => boolean | Promise<boolean>;
  /** Sees the result before the page updates (e.g. to forget a draft once the term exists). */
  onResult?: (result: ActionResult) => void;
  /** After the page has updated with the result. */
  afterUpdate?: (result: ActionResult) => void;
  reset?: boolean;
}

/**
 * `submission()` (pending flag, network failures kept on the page) plus a client-side check before
 * sending and focus moved to the first problem afterwards.
 */
export function enhanceTermForm(state: SubmissionState, hooks: Hooks = {}): SubmitFunction {
  const base = submission(state, { reset: hooks.reset ?? false });
  return async (input) => {
    if (hooks.validate) {
      state.pending = true;
      const valid = await hooks.validate(input.formData);
      state.pending = false;
      if (!valid) {
        input.cancel();
        await focusFirstProblem(input.formElement);
        return;
      }
    }
    const after = await base(input);
    return async (options) => {
      hooks.onResult?.(options.result);
      await after?.(options);
      hooks.afterUpdate?.(options.result);
      if (options.result.type === 'failure') await focusFirstProblem(options.formElement);
    };
  };
}
