import { z } from 'zod';

/** Longest tag accepted: BCP 47 allows more, but no language of a vocabulary needs 35 characters. */
export const LANGUAGE_TAG_MAX_LENGTH = 35;

/**
 * A BCP 47 language tag ("fr", "en-GB", "zh-Hant-TW", "sr-Latn"), checked and put in canonical case by
 * the platform's own Unicode implementation (`Intl.getCanonicalLocales`) rather than a hand-written
 * grammar: "EN-gb" becomes "en-GB", "iw" becomes "he", "en_US" and "english" are refused.
 */
export function canonicalLanguageTag(value: string): string | null {
  if (value.length === 0 || value.length > LANGUAGE_TAG_MAX_LENGTH) return null;
  let canonical: string | undefined;
  try {
    [canonical] = Intl.getCanonicalLocales(value);
  } catch {
    return null;
  }
  // BCP 47 also admits primary subtags of 4 to 8 letters (reserved, or for languages registered later),
  // which no vocabulary uses and which make "english" or "french" look valid: ISO 639 codes only.
  if (canonical === undefined || !/^[a-z]{2,3}(?:-|$)/.test(canonical)) return null;
  return canonical;
}

export const LANGUAGE_TAG_MESSAGE = 'Must be a BCP 47 language tag, such as "fr", "en-GB" or "zh-Hant".';

export const languageTagSchema = z
  .string()
  .transform((value, context) => {
    const canonical = canonicalLanguageTag(value.trim());
    if (canonical === null) {
      context.addIssue({ code: 'custom', message: LANGUAGE_TAG_MESSAGE });
      return z.NEVER;
    }
    return canonical;
  })
  .meta({ id: 'LanguageTag', description: LANGUAGE_TAG_MESSAGE, example: 'fr' });

/**
 * Text per language, keyed by BCP 47 tag: `{ "fr": "Apprentissage", "en": "Learning" }`. Keys are put in
 * canonical form; two keys naming the same language ("en-gb", "en-GB") are refused.
 */
export function perLanguage<Value extends z.ZodType>(value: Value) {
  return z.record(z.string(), value).transform((entries, context) => {
    const result: Record<string, z.output<Value>> = {};
    for (const [key, text] of Object.entries(entries)) {
      const canonical = canonicalLanguageTag(key.trim());
      if (canonical === null) {
        context.addIssue({ code: 'custom', path: [key], message: LANGUAGE_TAG_MESSAGE });
        continue;
      }
      if (canonical in result) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `Names the language "${canonical}" twice.`,
        });
        continue;
      }
      result[canonical] = text as z.output<Value>;
    }
    return result;
  });
}
