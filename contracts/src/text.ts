import { z } from 'zod';

// C0/C1 control characters except tab and newline: PostgreSQL rejects NUL outright, the rest only cause
// trouble in labels and exports.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/**
 * Invisible characters that carry no meaning in a label or a definition but make two strings look alike
 * while comparing unequal ("Alpha term" and "Alpha term" + U+200B): zero-width space, word joiner,
 * byte-order mark, soft hyphen, Mongolian vowel separator, invisible math operators. Removed.
 */
const INVISIBLE_CHARACTERS = /[\u200B\u2060\uFEFF\u00AD\u180E\u2061-\u2064]/g;

/**
 * Zero-width (non-)joiners shape Arabic, Persian and Indic words (and emoji); beside a Latin, Greek or
 * Cyrillic letter, a space or nothing they only hide a difference. Kept only after a letter of a script
 * that uses them.
 */
const STRAY_JOINERS =
  /(?<![\p{L}\p{M}\p{Extended_Pictographic}](?<![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}]))[\u200C\u200D]/gu;

/**
 * Every other format character (category Cf) is refused: the bidirectional controls reorder what a
 * reader sees (U+202E shows "txt.exe" as "exe.txt"), and the rest (tags, annotations) have no place here.
 */
const FORMAT_CHARACTER = /(?![\u200C\u200D])\p{Cf}/u;

export const FORMAT_CHARACTER_MESSAGE =
  'Must not contain invisible formatting characters (such as a right-to-left override).';

/** The one normalisation of user text: NFC, invisible characters removed, stray joiners removed. */
export function normalizeText(value: string): string {
  return value.normalize('NFC').replace(INVISIBLE_CHARACTERS, '').replace(STRAY_JOINERS, '');
}

function checked(maxLength: number) {
  return z
    .string()
    .min(1, 'Must not be empty.')
    .max(maxLength, `Use at most ${maxLength} characters.`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'Must not contain control characters.')
    .refine((value) => !FORMAT_CHARACTER.test(value), FORMAT_CHARACTER_MESSAGE);
}

/** A one-line label (term, domain, name): normalised, trimmed, inner whitespace collapsed. */
export function labelSchema(maxLength: number) {
  return z
    .string()
    .transform((value) => normalizeText(value).replace(/\s+/g, ' ').trim())
    .pipe(checked(maxLength));
}

/** Multi-line prose (a definition): normalised, trimmed, line breaks kept. */
export function proseSchema(maxLength: number) {
  return z
    .string()
    .transform((value) => normalizeText(value).replace(/\r\n?/g, '\n').trim())
    .pipe(checked(maxLength));
}

/**
 * An id in a request. UUIDs are case-insensitive (RFC 9562) and PostgreSQL compares them so, but the
 * API compares ids as strings too (a relation to itself, a relation of this term): they are lower-cased
 * once, here, where they are parsed.
 */
export const idSchema = z.uuid({ message: 'Must be a UUID.' }).transform((value) => value.toLowerCase());
