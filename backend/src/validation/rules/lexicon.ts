/**
 * The word lists behind the rules, in folded form (lower case, no accents). Each list is short on
 * purpose: a word belongs here only if it is wrong in a definition nearly every time it appears. Words
 * that are often legitimate ("usually", "may", "a kind of", "souvent", "éventuellement") stay out: a false
 * positive teaches authors to ignore findings.
 */

/** Function words: never evidence of circularity, never counted as content. */
export const STOPWORDS = new Set(
  [
    // French
    'a au aux avec c ce ces cet cette d dans de des du elle elles en est et etre il ils l la le les leur',
    'leurs lui mais ne ni on ou par pas pour qu que qui s sa sans se ses son sont sur un une y dont',
    // English
    'an and are as at be been being by for from in into is it its of on or that the their them these',
    'this those to was were which who whom whose with without not no',
  ]
    .join(' ')
    .split(' '),
);

/** Whole definitions that are placeholders, compared after folding and trimming punctuation. */
export const PLACEHOLDER_DEFINITIONS = [
  /^(todo|tbd|tba|fixme|xxx+|wip|n\/?a|none|null|nil|undefined|empty|vide|rien|aucune?)$/,
  /^(a|to) (be )?(defined|define|completed?|written|done|determined)( later)?$/,
  /^(a|en) (definir|completer|faire|rediger|preciser|venir)( plus tard)?$/,
  /^(definition|description)( (a|to) (venir|definir|come|do|be defined))?$/,
  /^(pas|sans) de definitions?$/,
  /^no definitions?( yet)?$/,
  /^lorem ipsum\b/,
  /^[?!.\-_*#~ ]*$/,
];

/** Wording that stands in for content: "something", "stuff", "truc", "quelque chose"… */
export const VAGUE_PHRASES = [
  'something',
  'somehow',
  'stuff',
  'whatever',
  'thingy',
  'and so on',
  'and so forth',
  'and the like',
  'or something',
  'some kind of',
  'some sort of',
  'kind of like',
  'sort of like',
  'so to speak',
  'more or less',
  'in some way',
  'quelque chose',
  'truc',
  'trucs',
  'machin',
  'machins',
  'bidule',
  'bidules',
  'et ainsi de suite',
  'et tout ca',
  'ce genre de choses',
  'en quelque sorte',
  'plus ou moins',
  'pour ainsi dire',
  "d'une certaine maniere",
  "d'une certaine facon",
  'un peu comme',
];

/** Hedging: the author is not sure, and a model reading the definition cannot tell what holds. */
export const HEDGING_PHRASES = [
  'maybe',
  'perhaps',
  'probably',
  'presumably',
  'supposedly',
  'arguably',
  'i think',
  'i believe',
  'we think',
  'we believe',
  'it seems',
  'seems to be',
  'not sure',
  'peut-etre',
  'probablement',
  'sans doute',
  'vraisemblablement',
  'apparemment',
  'il semble',
  'semble-t-il',
  'je pense',
  'je crois',
  'on pense',
];

/** Open lists: "etc." leaves the reader to guess what else belongs. Worth a note, not a block. */
export const OPEN_LIST_PHRASES = ['etc', 'et cetera', 'et caetera'];

/**
 * A definition that opens with an empty genus — "a concept related to…", "un terme utilisé en…" — says
 * which field the term lives in, not what it is.
 */
export const EMPTY_GENUS_PATTERNS = [
  /^(?:(?:it is|this is)\s+)?(?:(?:an?|the|some)\s+)?(?:concept|notion|idea|thing|term|word|expression)s?\s+(?:related|relating|linked|connected|pertaining|associated|referring)\s+(?:to|with)\b/,
  /^(?:(?:it is|this is)\s+)?(?:(?:an?|the)\s+)?(?:concept|notion|term|thing)\s+(?:used|employed)\s+(?:in|for|by)\b/,
  /^(?:c'est\s+|il s'agit d'\s*)?(?:(?:un|une|le|la)\s+|l')?(?:concept|notion|terme|mot|idee|chose|truc|expression)s?\s+(?:lie|liee|lies|liees|relatif|relative|relatifs|relatives|en rapport|en lien|qui concerne|concernant|qui a trait|ayant trait|se rapportant|qui se rapporte|associe|associee)\b/,
  /^(?:c'est\s+|il s'agit d'\s*)?(?:(?:un|une|le|la)\s+|l')?(?:concept|notion|terme|chose)\s+(?:utilise|utilisee|employe|employee)\s+(?:en|dans|pour|par)\b/,
];

/** Markers of a definition that carries several senses: one term should have one meaning. */
export const MULTIPLE_SENSE_PATTERNS = [
  /(?:^|[\s:;])(?:1[.)]|\(1\)|\(a\))\s[\s\S]*?(?:^|[\s:;])(?:2[.)]|\(2\)|\(b\))\s/,
  /\b(?:can|may|might) also (?:refer to|mean|designate|denote)\b/,
  /\balso (?:refers to|means|denotes)\b/,
  /\bin (?:another|a second|an other) sense\b/,
  /\b(?:peut|pouvant) (?:aussi|egalement) (?:designer|signifier|vouloir dire|renvoyer a)\b/,
  /\b(?:designe|signifie) (?:aussi|egalement)\b/,
  /\b(?:dans|en) un (?:autre|second|deuxieme) sens\b/,
  /\bpar extension\b/,
  /\bby extension\b/,
];
