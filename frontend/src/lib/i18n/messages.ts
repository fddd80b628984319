import * as audit from './audit.ts';
import * as auth from './auth.ts';
import * as common from './common.ts';
import * as concepts from './concepts.ts';
import * as history from './history.ts';
import * as releases from './releases.ts';
import * as review from './review.ts';
import * as terms from './terms.ts';
import * as validation from './validation.ts';
import * as vocabularies from './vocabularies.ts';
import * as webhooks from './webhooks.ts';

export const locales = ['fr', 'en'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'fr';

const dictionaries = {
  fr: {
    ...common.fr,
    ...auth.fr,
    ...audit.fr,
    ...terms.fr,
    ...concepts.fr,
    ...history.fr,
    ...review.fr,
    ...releases.fr,
    ...validation.fr,
    ...vocabularies.fr,
    ...webhooks.fr,
  },
  en: {
    ...common.en,
    ...auth.en,
    ...audit.en,
    ...terms.en,
    ...concepts.en,
    ...history.en,
    ...review.en,
    ...releases.en,
    ...validation.en,
    ...vocabularies.en,
    ...webhooks.en,
  },
};

export type MessageKey = keyof typeof dictionaries.fr;
export type MessageParams = Record<string, string | number>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export function hasMessage(key: string): key is MessageKey {
  return key in dictionaries.fr;
}

/** Looks a message up and fills `{name}` placeholders. A missing key shows itself, never crashes a page. */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template: string = dictionaries[locale][key] ?? dictionaries.fr[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
