import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The backend's layers (docs/architecture.md): routes → services → repositories and ports; `platform/`
 * is shared by every feature and imports none; nothing imports tests. Each rule names the layer it keeps.
 */
const FEATURES = [
  'audit',
  'auth',
  'cli',
  'demo',
  'graph',
  'history',
  'observability',
  'relations',
  'releases',
  'review',
  'system',
  'terms',
  'validation',
  'vocabularies',
  'webhooks',
];
const ENTRY_POINTS = ['cli', 'demo'];
const noTests = {
  group: ['**/test/**', '**/*.test.ts', '@lexikon/harness', '@lexikon/harness/*'],
  message: 'Application code imports neither the tests nor their harness.',
};
const layerRule = (...patterns) => ['error', { patterns: [noTests, ...patterns] }];
const httpModules = {
  group: ['fastify', 'fastify-*', '@fastify/*'],
  message: 'Services and repositories know nothing of HTTP: routes translate between the two.',
};
const databaseModules = {
  group: [
    'drizzle-orm',
    'drizzle-orm/*',
    'pg',
    '@electric-sql/pglite',
    '**/repository.ts',
    '**/platform/database/**',
  ],
  message: 'Routes reach the database through their service, never directly.',
};

const catalogueOnly = {
  selector: "NewExpression[callee.name='AppError']",
  message: 'Problems come from the catalogue (errors.* in platform/errors.ts), one named factory per code.',
};
const injectedRepositories = {
  selector:
    "ImportDeclaration[importKind!='type'][source.value=/repository\\.ts$/] > ImportSpecifier[importKind!='type']",
  message:
    'A service gets its repositories by constructor (services.ts builds them); import only their types here.',
};

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'data/**',
      '.cache/**',
      '**/drizzle/meta/**',
      '**/.svelte-kit/**',
      'frontend/build/**',
      'frontend/src/lib/api/schema.ts',
      'test-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['frontend/src/**/*.svelte', 'frontend/src/**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
    // The app is served at the site root (no `paths.base`), so plain hrefs are correct.
    rules: { 'svelte/no-navigation-without-resolve': 'off' },
  },
  {
    files: ['frontend/src/**/*.ts'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['backend/src/**/*.ts'],
    ignores: ['backend/src/platform/errors.ts'],
    rules: {
      'no-restricted-imports': layerRule(),
      'no-restricted-syntax': ['error', catalogueOnly],
    },
  },
  {
    files: ['backend/src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule({
        group: [
          ...FEATURES.map((feature) => `**/${feature}/**`),
          '**/app.ts',
          '**/services.ts',
          '**/main.ts',
        ],
        message: 'platform/ is shared by every feature and imports none of them (nor the composition root).',
      }),
    },
  },
  {
    files: ['harness/**/*.ts'],
    rules: {
      'no-restricted-imports': layerRule({
        group: [
          '**/backend/**',
          '**/frontend/**',
          '**/scripts/**',
          '**/bench/**',
          '**/deploy/test/**',
          '@lexikon/backend*',
        ],
        message:
          'The harness is what tests, benchmarks and scripts share: it imports none of them, nor the app.',
      }),
    },
  },
  // Per feature: no other feature's repository (they expose a narrow reader port instead, e.g.
  // terms/reader.ts); routes never touch the database; services and repositories never import Fastify.
  // cli/ and demo/ are entry points like app.ts and may use any repository.
  ...FEATURES.filter((feature) => !ENTRY_POINTS.includes(feature)).flatMap((feature) => {
    const otherRepositories = {
      group: FEATURES.filter((other) => other !== feature).map((other) => `**/${other}/repository.ts`),
      message: `${feature}/ reads other features through their ports (e.g. terms/reader.ts), not their repositories.`,
    };
    return [
      {
        files: [`backend/src/${feature}/**/*.ts`],
        rules: { 'no-restricted-imports': layerRule(otherRepositories) },
      },
      {
        files: [`backend/src/${feature}/**/routes.ts`],
        rules: { 'no-restricted-imports': layerRule(otherRepositories, databaseModules) },
      },
      {
        files: [`backend/src/${feature}/**/service.ts`, `backend/src/${feature}/**/repository.ts`],
        rules: { 'no-restricted-imports': layerRule(otherRepositories, httpModules) },
      },
      {
        files: [`backend/src/${feature}/**/service.ts`],
        rules: { 'no-restricted-syntax': ['error', catalogueOnly, injectedRepositories] },
      },
    ];
  }),
);
