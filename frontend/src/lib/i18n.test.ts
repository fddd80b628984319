import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasMessage, locales, translate, type MessageKey } from './i18n/messages.ts';

/**
 * The dictionaries as the app merges them, found on disk so that a new message module (say, the term
 * pages' `terms.ts`) is checked without anyone remembering to list it here.
 */
const i18nDir = fileURLToPath(new URL('./i18n/', import.meta.url));
const moduleFiles = readdirSync(i18nDir).filter(
  (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !['index.ts', 'messages.ts'].includes(file),
);

type Dictionary = Record<string, string>;
const modules: { file: string; fr: Dictionary; en: Dictionary }[] = [];
const merged: Record<'fr' | 'en', Dictionary> = { fr: {}, en: {} };

beforeAll(async () => {
  for (const file of moduleFiles) {
    const module = (await import(/* @vite-ignore */ pathToFileURL(join(i18nDir, file)).href)) as {
      fr?: Dictionary;
      en?: Dictionary;
    };
    modules.push({ file, fr: module.fr ?? {}, en: module.en ?? {} });
    Object.assign(merged.fr, module.fr);
    Object.assign(merged.en, module.en);
  }
});

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('message dictionaries', () => {
  it('finds the message modules', () => {
    expect(moduleFiles).toEqual(expect.arrayContaining(['auth.ts', 'common.ts', 'terms.ts']));
    expect(Object.keys(merged.fr).length).toBeGreaterThan(50);
    for (const module of modules) {
      expect(module.fr, `${module.file} exports fr`).toBeTypeOf('object');
      expect(module.en, `${module.file} exports en`).toBeTypeOf('object');
    }
  });

  it('has every French key in English and every English key in French', () => {
    const fr = Object.keys(merged.fr).sort();
    const en = Object.keys(merged.en).sort();
    expect(
      fr.filter((key) => !(key in merged.en)),
      'French keys missing in English',
    ).toEqual([]);
    expect(
      en.filter((key) => !(key in merged.fr)),
      'English keys missing in French',
    ).toEqual([]);
  });

  it('defines each key in one module only (a later module would silently override it)', () => {
    const owners = new Map<string, string[]>();
    for (const module of modules)
      for (const key of Object.keys(module.fr)) owners.set(key, [...(owners.get(key) ?? []), module.file]);
    const duplicated = [...owners]
      .filter(([, files]) => files.length > 1)
      .map(([key, files]) => `${key}: ${files.join(', ')}`);
    expect(duplicated).toEqual([]);
  });

  it('uses the same {placeholders} in both languages', () => {
    const mismatches = Object.keys(merged.fr)
      .filter((key) => key in merged.en)
      .filter((key) => placeholders(merged.fr[key]!).join() !== placeholders(merged.en[key]!).join())
      .map(
        (key) =>
          `${key}: fr {${placeholders(merged.fr[key]!).join(', ')}} / en {${placeholders(merged.en[key]!).join(', ')}}`,
      );
    expect(mismatches).toEqual([]);
  });

  it('has no empty or untrimmed message', () => {
    const bad = locales.flatMap((locale) =>
      Object.entries(merged[locale])
        .filter(([, text]) => text.trim() === '' || text !== text.trim())
        .map(([key]) => `${locale}:${key}`),
    );
    expect(bad).toEqual([]);
  });

  it('is what the app translates with: every module is merged into messages.ts', () => {
    for (const locale of locales)
      for (const [key, text] of Object.entries(merged[locale])) {
        expect(hasMessage(key), `hasMessage(${key})`).toBe(true);
        expect(translate(locale, key as MessageKey), `${locale}:${key}`).toBe(text);
      }
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('fr', 'problem.rate-limited', { seconds: 42 })).toBe(
      'Trop de tentatives. Réessayez dans 42 s.',
    );
    expect(translate('en', 'problem.rate-limited', { seconds: 42 })).toBe(
      'Too many attempts. Try again in 42 s.',
    );
    expect(translate('en', 'problem.rate-limited')).toBe('Too many attempts. Try again in {seconds} s.');
  });

  it('shows a missing key rather than crashing a page', () => {
    expect(translate('en', 'no.such.key' as MessageKey)).toBe('no.such.key');
    expect(hasMessage('no.such.key')).toBe(false);
  });
});

describe('problem messages', () => {
  it('are keyed by codes the API can answer (a renamed code would silently lose its message)', async () => {
    const { problemCodes } = await import('@lexikon/contracts/problem');
    const modules = await Promise.all(
      ['common', 'auth', 'terms', 'validation'].map((name) => import(`./i18n/${name}.ts`)),
    );
    const keys = modules
      .flatMap((module: { fr: Record<string, string> }) => Object.keys(module.fr))
      .filter((key) => key.startsWith('problem.'));
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(problemCodes, key).toContain(key.slice('problem.'.length));
  });
});
