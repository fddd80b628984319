import type { SubmitFunction } from '$app/forms';

export interface SubmissionState {
  pending: boolean;
  /** The request never reached the server: keep the form as typed and offer to send it again. */
  networkError: boolean;
}

/**
 * `use:enhance` with two additions: a pending flag for the submit button, and a network failure kept
 * on the page (with the user's input intact) instead of replacing it by an error page.
 */
export function submission(state: SubmissionState, options: { reset?: boolean } = {}): SubmitFunction {
  return () => {
    state.pending = true;
    state.networkError = false;
    return async ({ result, update }) => {
      state.pending = false;
      if (result.type === 'error' && !(result.status && result.status < 500)) {
        state.networkError = true;
        return;
      }
      await update({ reset: options.reset ?? false });
    };
  };
}
