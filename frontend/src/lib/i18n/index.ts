import { page } from '$app/state';
import {
  defaultLocale,
  isLocale,
  translate,
  type Locale,
  type MessageKey,
  type MessageParams,
} from './messages.ts';

export { translate, type Locale, type MessageKey };

/** The locale of the page being rendered (server or browser), from the root layout's data. */
export function currentLocale(): Locale {
  const locale = page.data?.locale;
  return isLocale(locale) ? locale : defaultLocale;
}

/** Translate for the current page; reactive in templates because it reads `page.data`. */
export function t(key: MessageKey, params?: MessageParams): string {
  return translate(currentLocale(), key, params);
}
