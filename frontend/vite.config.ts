import { sentrySvelteKit } from '@sentry/sveltekit';
import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// Source maps go to Sentry only when a build is given SENTRY_AUTH_TOKEN (with SENTRY_ORG and
// SENTRY_PROJECT); without it the Sentry plugin makes no network call and the build works offline.
const sentryAuthToken = process.env.SENTRY_AUTH_TOKEN?.trim() || undefined;
const sentrySourceMaps: { upload?: () => Promise<void> } = {};

async function sentryPlugins(): Promise<Plugin[]> {
  const plugins = await sentrySvelteKit({
    adapter: 'node',
    // Load functions are not wrapped: that would put the SDK into the main bundle. Server errors reach
    // Sentry through the handleError hook, and requests are traced by its handle.
    autoInstrument: false,
    autoUploadSourceMaps: sentryAuthToken !== undefined,
    ...(sentryAuthToken === undefined
      ? {}
      : {
          authToken: sentryAuthToken,
          org: process.env.SENTRY_ORG,
          project: process.env.SENTRY_PROJECT,
          ...(process.env.SENTRY_URL ? { sentryUrl: process.env.SENTRY_URL } : {}),
          telemetry: false,
          debug: process.env.SENTRY_DEBUG === 'true',
        }),
  });
  // @sentry/sveltekit 10 uploads from a closeBundle hook that it skips unless the resolved config is an
  // SSR build; Vite 8's app builder resolves one config for every environment, so nothing was ever
  // uploaded (and the hidden maps stayed in build/). Its upload runs instead once SvelteKit's adapter
  // has written build/ (see uploadSourceMapsAfterAdapter).
  const upload = plugins.find((plugin) => plugin.name === 'sentry-sveltekit-debug-id-upload-plugin');
  if (typeof upload?.closeBundle === 'function') {
    sentrySourceMaps.upload = upload.closeBundle as () => Promise<void>;
    delete upload.configResolved;
    delete upload.closeBundle;
  }
  return plugins;
}

/** After every other `buildApp` hook, SvelteKit's adapter included (it runs in one, order post). */
function uploadSourceMapsAfterAdapter(): Plugin {
  return {
    name: 'lexikon:sentry-source-maps',
    apply: 'build',
    buildApp: { order: 'post', handler: async () => sentrySourceMaps.upload?.() },
  };
}

/**
 * The repository's top-level @sentry/core is the API's (11.x); every 10.x browser package (browser,
 * replay, svelte, sveltekit…) therefore gets its own nested copy of @sentry/core 10, and the browser
 * chunk would carry one copy per package. They are the same release: bundle one, the one @sentry/browser
 * uses. Browser build only; the server imports the SDK from node_modules as installed.
 */
function oneSentryCoreInTheBrowser(): Plugin {
  let canonical: string | null = null;
  return {
    name: 'lexikon:one-sentry-core',
    enforce: 'pre',
    applyToEnvironment: (environment) => environment.config.consumer === 'client',
    async resolveId(source, importer, options) {
      if (source !== '@sentry/core' || !importer?.includes('/node_modules/@sentry/')) return null;
      if (canonical === null) {
        const browser = await this.resolve('@sentry/browser', importer, { ...options, skipSelf: true });
        const core = browser && (await this.resolve(source, browser.id, { ...options, skipSelf: true }));
        if (!core) return null;
        canonical = core.id;
      }
      return canonical;
    },
  };
}

export default defineConfig({
  plugins: [
    tailwindcss(),
    oneSentryCoreInTheBrowser(),
    sentryPlugins(),
    sveltekit({
      adapter: adapter(),
      // Nonces/hashes for SvelteKit's own inline scripts; nothing else may run or be framed.
      csp: {
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          'style-src': ['self', 'unsafe-inline'],
          'img-src': ['self', 'data:'],
          // Error reports go through the same-origin tunnel (/monitoring), never to Sentry directly.
          'connect-src': ['self'],
          // Sentry replay's compression worker, served from our origin (no blob: workers).
          'worker-src': ['self'],
          'font-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['self'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
    }),
    uploadSourceMapsAfterAdapter(),
  ],
  define: {
    // Sentry's browser SDK (lazy chunk): no debug logging code; the replay worker is our own file.
    __SENTRY_DEBUG__: false,
    __SENTRY_EXCLUDE_REPLAY_WORKER__: true,
  },
  server: { port: 5173, strictPort: true },
  preview: { port: 3000 },
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', '../harness/src/summary-reporter.ts'],
  },
});
