import { page } from '$app/state';
import {
  defaultLocale,
  hasMessage,
  isLocale,
  translate,
  type Locale,
  type MessageKey,
  type MessageParams,
} from './messages.ts';

export { translate, type Locale, type MessageKey };

/** The message for an OAuth failure code from the API (or our callback), with a generic fallback. */
export function oauthErrorMessage(code: string): string {
  const key = `oauth.error.${code}`;
  return hasMessage(key) ? t(key) : t('oauth.error.generic');
}

/** The locale of the page being rendered (server or browser), from the root layout's data. */
export function currentLocale(): Locale {
  const locale = page.data?.locale;
  return isLocale(locale) ? locale : defaultLocale;
}

/** Translate for the current page; reactive in templates because it reads `page.data`. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(currentLocale(), key, params);
}

/** "1 terme", "2 termes": picks the `.one` or `.other` form of `key` by the language's plural rules. */
export function count(key: 'count.terms' | 'count.relations' | 'count.domains', n: number): string {
  const locale = currentLocale();
  const form = new Intl.PluralRules(locale).select(n) === 'one' ? 'one' : 'other';
  return translate(locale, `${key}.${form}`, { n: n.toLocaleString(locale) });
}
