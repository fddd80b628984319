import type { Language } from './text.ts';

/**
 * A deliberately light stemmer: it strips inflections (plural, feminine, -ing/-ed), not derivations, so
 * "neurones" meets "neurone" and "trained" meets "training", but "organisation" never meets "organe".
 * The rules compare a term's words with its definition's words; a missed match costs one undetected
 * circular definition, a false match blames a sound definition — so when in doubt, it leaves the word alone.
 * Input is folded text (lower case, no accents).
 */
export function stem(word: string, language: Language): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  return language === 'fr' ? stemFrench(word) : stemEnglish(word);
}

function stemEnglish(word: string): string {
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length - 3 >= 4) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length - 2 >= 4) w = undouble(w.slice(0, -2));
  // "model"/"models", "layer"/"layers" are handled above; a silent final e ("machine" / "machines") too.
  if (w.endsWith('e') && w.length - 1 >= 4) w = w.slice(0, -1);
  return w;
}

/** "running" → "runn" → "run", "embedded" → "embedd" → "embed". */
function undouble(w: string): string {
  return /([bdfgmnprt])\1$/.test(w) ? w.slice(0, -1) : w;
}

function stemFrench(word: string): string {
  let w = word;
  if (w.endsWith('eaux')) w = w.slice(0, -1);
  else if (w.endsWith('aux') && w.length > 4) w = `${w.slice(0, -3)}al`;
  else if (/[sx]$/.test(w) && !w.endsWith('ss')) w = w.slice(0, -1);
  // Feminine and past participles: "entraînée" → "entraine", "artificielle" → "artificiel".
  if (w.endsWith('ee')) w = w.slice(0, -1);
  if (/(elle|enne|ette)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('e') && w.length - 1 >= 4) w = w.slice(0, -1);
  return w;
}
