import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
);
