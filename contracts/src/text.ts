import { z } from 'zod';

// C0/C1 control characters except tab and newline: PostgreSQL rejects NUL outright, the rest only cause
// trouble in labels and exports.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** A one-line label (term, domain): Unicode NFC, trimmed, inner whitespace collapsed. */
export function labelSchema(maxLength: number) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').replace(/\s+/g, ' ').trim())
    .pipe(
      z
        .string()
        .min(1, 'Must not be empty.')
        .max(maxLength, `Use at most ${maxLength} characters.`)
        .refine((value) => !CONTROL_CHARACTERS.test(value), 'Must not contain control characters.'),
    );
}

/** Multi-line prose (a definition): NFC, trimmed, line breaks kept. */
export function proseSchema(maxLength: number) {
  return z
    .string()
    .transform((value) => value.normalize('NFC').replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1, 'Must not be empty.')
        .max(maxLength, `Use at most ${maxLength} characters.`)
        .refine((value) => !CONTROL_CHARACTERS.test(value), 'Must not contain control characters.'),
    );
}
