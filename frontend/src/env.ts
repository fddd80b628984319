import { defineEnvVars } from '@sveltejs/kit/env';

/** The web app's configuration, read when the server starts (never inlined into the build). */
export const variables = defineEnvVars({
  LEXIKON_API_URL: {
    description:
      'Base URL of the Lexikon API, as the web server reaches it (browsers never call it directly).',
    schema: (value) => {
      const url = value?.trim() || 'http://127.0.0.1:8000';
      if (!/^https?:\/\/[^/]+/.test(url))
        throw new Error(`LEXIKON_API_URL must be an http(s) URL, got "${url}"`);
      return url.replace(/\/+$/, '');
    },
  },
});
