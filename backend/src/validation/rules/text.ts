/**
 * Text handling for the rules: accent and case folding that remembers where each folded character came
 * from (so a finding can quote the author's own words), word tokens, and a language guess.
 */

/** Text folded like the database's `lexikon_fold` (lower case, no accents, œ → oe), with a position map. */
export interface FoldedText {
  original: string;
  folded: string;
  /** For each character of `folded`, its index in `original`. */
  origin: number[];
}

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', '’': "'", ʼ: "'", '‘': "'" };

export function foldChar(char: string): string {
  const lower = char.toLowerCase();
  return (
    LIGATURES[lower] ??
    lower
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      // Typographic spaces (NBSP before French punctuation) and dashes become plain ones.
      .replace(/[\u00a0\u202f\u2009]/g, ' ')
      .replace(/[\u2010-\u2014]/g, '-')
  );
}

export function foldText(original: string): FoldedText {
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const char of original) {
    const out = foldChar(char);
    for (let i = 0; i < out.length; i++) origin.push(index);
    folded += out;
    index += char.length;
  }
  return { original, folded, origin };
}

/** The author's text behind folded positions [start, end). */
export function excerpt(text: FoldedText, start: number, end: number): string {
  if (end <= start) return '';
  const from = text.origin[start] ?? 0;
  const lastOrigin = text.origin[end - 1] ?? from;
  const lastChar = text.original.codePointAt(lastOrigin) ?? 0;
  return text.original.slice(from, lastOrigin + (lastChar > 0xffff ? 2 : 1));
}

export interface Token {
  /** Folded word. */
  word: string;
  start: number;
  end: number;
}

/** Words of folded text: runs of letters and digits. Apostrophes split ("l'intelligence" → l, intelligence). */
export function tokenize(text: FoldedText): Token[] {
  const tokens: Token[] = [];
  for (const match of text.folded.matchAll(/[\p{L}\p{N}]+/gu)) {
    tokens.push({ word: match[0], start: match.index, end: match.index + match[0].length });
  }
  return tokens;
}

export function words(value: string): string[] {
  return tokenize(foldText(value)).map((token) => token.word);
}

/** Every position of `phrase` in folded text, on word boundaries. */
export function findPhrase(text: FoldedText, phrase: string): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'gu');
  for (const match of text.folded.matchAll(pattern))
    found.push({ start: match.index, end: match.index + match[0].length });
  return found;
}

export type Language = 'fr' | 'en';

const FRENCH_MARKERS = new Set(
  'le la les un une des du de et ou est qui que dans pour par sur avec au aux en son sa ses leur leurs cette ce ces l d qu'.split(
    ' ',
  ),
);
// Not "a" (French "à" folds to it) nor "on" (a French pronoun).
const ENGLISH_MARKERS = new Set(
  'the an of and or is are which that who in for by with to its their this these from as into used'.split(
    ' ',
  ),
);

/**
 * French or English, from function words (with French accents as the tie-breaker). Findings are written
 * in the language of the definition, so the author reads them in the language they wrote in.
 */
export function detectLanguage(value: string): Language {
  let french = 0;
  let english = 0;
  for (const word of words(value)) {
    if (FRENCH_MARKERS.has(word)) french++;
    if (ENGLISH_MARKERS.has(word)) english++;
  }
  if (french !== english) return french > english ? 'fr' : 'en';
  return /[àâçéèêëîïôûùüÿœ]/i.test(value) ? 'fr' : 'en';
}
