import type { ApiClient } from '#lib/server/api.ts';
import type { Locale } from '#lib/i18n/messages.ts';

declare global {
  namespace App {
    interface Error {
      message: string;
      /** Stable problem code from the API, when the error came from it. */
      code?: string;
      /** True when the API could not be reached: the page offers a retry. */
      retryable?: boolean;
    }
    interface Locals {
      locale: Locale;
      /** The signed-in user's id and role, from the session; null when anonymous. */
      session: { userId: string; role: 'user' | 'admin' } | null;
      /** A refresh token is held but the API could not be reached to renew it. */
      sessionUnverified: boolean;
      /** API client carrying the session's access token (refreshed when needed). */
      api: ApiClient;
    }
  }
}

export {};
