/**
 * The parts of a text a search matched, for <mark>: words starting with one of the query's words,
 * compared as the API compares them (case and accents folded). The API finds by stems too ("learning"
 * for "learn"), so a hit may show no mark; a mark never shows where there was no hit.
 */
export interface TextPart {
  text: string;
  hit: boolean;
}

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

export function highlight(text: string, query: string | null | undefined): TextPart[] {
  const words = fold(query ?? '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  if (words.length === 0 || text === '') return text === '' ? [] : [{ text, hit: false }];
  const parts: TextPart[] = [];
  // Words and what lies between them, in order; folding is per character run, so offsets stay the text's.
  for (const match of text.matchAll(/[\p{L}\p{N}\p{M}]+|[^\p{L}\p{N}\p{M}]+/gu)) {
    const piece = match[0];
    const isWord = /[\p{L}\p{N}]/u.test(piece);
    const folded = fold(piece);
    const word = isWord ? words.find((candidate) => folded.startsWith(candidate)) : undefined;
    if (word) {
      // Only the matched prefix is marked: "neur" in "neurones".
      const length = prefixLength(piece, word.length);
      push(parts, piece.slice(0, length), true);
      push(parts, piece.slice(length), false);
    } else push(parts, piece, false);
  }
  return parts;
}

/** How many characters of `piece` fold to `folded` characters (accents fold to nothing). */
function prefixLength(piece: string, folded: number): number {
  let taken = 0;
  for (let index = 0; index < piece.length; index++) {
    if (taken >= folded) return index;
    taken += fold(piece[index]!).length;
  }
  return piece.length;
}

function push(parts: TextPart[], text: string, hit: boolean) {
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (last && last.hit === hit) last.text += text;
  else parts.push({ text, hit });
}

/** A concept's preferred label in a content language, and whether it fell back to the default one. */
export function labelIn(
  concept: { term: string; pref_labels: Record<string, string> },
  language: string | null,
  defaultLanguage: string,
): { text: string; language: string; fallback: boolean } {
  if (language === null || language === defaultLanguage)
    return { text: concept.term, language: defaultLanguage, fallback: false };
  const text = concept.pref_labels[language];
  return text
    ? { text, language, fallback: false }
    : { text: concept.term, language: defaultLanguage, fallback: true };
}
