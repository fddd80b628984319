import type { DraftFinding, ValidationSubject } from '../ports.ts';
import { foldText, tokenize, type Language } from './text.ts';

/**
 * The rules about a concept's labels across the languages of its vocabulary: translations still missing,
 * labels another concept also goes by, a definition (in any language) that only repeats its label, and a
 * definition that names the concept by one of its own synonyms. They run when the subject's labels were
 * loaded (`subject.concept`); the explanations follow the web app's two languages, like the other rules.
 */

type Bilingual = Record<Language, string>;

function finding(
  language: Language,
  rule: string,
  type: DraftFinding['type'],
  severity: DraftFinding['severity'],
  explanation: Bilingual,
  suggestion: Bilingual,
  extra: { evidence?: string; relatedTermIds?: string[] } = {},
): DraftFinding {
  return {
    source: 'rules',
    rule,
    type,
    severity,
    explanation: explanation[language],
    suggestion: suggestion[language],
    translations: {
      en: { explanation: explanation.en, suggestion: suggestion.en },
      fr: { explanation: explanation.fr, suggestion: suggestion.fr },
    },
    evidence: extra.evidence ?? null,
    relatedTermIds: extra.relatedTermIds ?? [],
  };
}

const words = (text: string) => tokenize(foldText(text)).map((token) => token.word);
const list = (items: readonly string[]) => items.join(', ');
const quoted = (language: Language, text: string) => (language === 'fr' ? `« ${text} »` : `“${text}”`);

/** Whether `needle`'s words appear, in order and side by side, among `haystack`'s. */
function containsWords(haystack: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  for (let start = 0; start + needle.length <= haystack.length; start++)
    if (needle.every((word, offset) => haystack[start + offset] === word)) return true;
  return false;
}

export function labelFindings(subject: ValidationSubject, language: Language): DraftFinding[] {
  const concept = subject.concept;
  if (!concept) return [];
  const findings: DraftFinding[] = [];

  // Translations: every content language deserves a preferred label and a definition.
  const others = concept.languages.filter((tag) => tag !== concept.defaultLanguage);
  const noLabel = others.filter((tag) => !concept.prefLabels[tag]);
  const noDefinition = others.filter((tag) => !concept.definitions[tag]);
  if (noLabel.length > 0 || noDefinition.length > 0)
    findings.push(
      finding(
        language,
        'missing-translation',
        'missing_translation',
        'info',
        {
          en: [
            noLabel.length > 0 ? `No preferred label in ${list(noLabel)}.` : '',
            noDefinition.length > 0 ? `No definition in ${list(noDefinition)}.` : '',
          ]
            .filter(Boolean)
            .join(' '),
          fr: [
            noLabel.length > 0 ? `Pas de libellé préféré en ${list(noLabel)}.` : '',
            noDefinition.length > 0 ? `Pas de définition en ${list(noDefinition)}.` : '',
          ]
            .filter(Boolean)
            .join(' '),
        },
        {
          en: 'Add them, so that readers and LLM applications working in those languages recognise the concept.',
          fr: 'Ajoutez-les, pour que les lecteurs et les applications LLM qui travaillent dans ces langues reconnaissent le concept.',
        },
        { evidence: list([...new Set([...noLabel, ...noDefinition])]) },
      ),
    );

  // Labels shared with other concepts: an ambiguity to resolve in review, never a refusal.
  for (const clash of concept.clashes)
    findings.push(
      finding(
        language,
        clash.kind === 'pref' ? 'shared-pref-label' : 'alt-label-is-pref-elsewhere',
        'ambiguous_label',
        'info',
        clash.kind === 'pref'
          ? {
              en: `Another concept, ${quoted('en', clash.term)}, has the same preferred label ${quoted('en', clash.label)} (${clash.language}).`,
              fr: `Un autre concept, ${quoted('fr', clash.term)}, a le même libellé préféré ${quoted('fr', clash.label)} (${clash.language}).`,
            }
          : {
              en: `The alternative label ${quoted('en', clash.label)} (${clash.language}) is the preferred label of another concept, ${quoted('en', clash.term)}.`,
              fr: `Le libellé alternatif ${quoted('fr', clash.label)} (${clash.language}) est le libellé préféré d’un autre concept, ${quoted('fr', clash.term)}.`,
            },
        {
          en: 'Make the labels tell the concepts apart (a qualifier, a scope note), or merge them if they are one.',
          fr: 'Faites que les libellés distinguent les concepts (un qualificatif, une note d’application), ou fusionnez-les s’ils n’en font qu’un.',
        },
        { evidence: clash.label, relatedTermIds: [clash.termId] },
      ),
    );

  // Definitions in the other languages that only repeat their label.
  for (const [tag, definition] of Object.entries(concept.definitions)) {
    if (tag === concept.defaultLanguage) continue;
    const label = concept.prefLabels[tag];
    if (!label) continue;
    const definitionWords = words(definition).join(' ');
    if (definitionWords !== '' && definitionWords === words(label).join(' '))
      findings.push(
        finding(
          language,
          'definition-repeats-label',
          'circular_definition',
          'warning',
          {
            en: `The definition in ${tag} only repeats the label ${quoted('en', label)}.`,
            fr: `La définition en ${tag} ne fait que répéter le libellé ${quoted('fr', label)}.`,
          },
          {
            en: 'Say what the concept is: the broader class it belongs to, then what distinguishes it.',
            fr: 'Dites ce qu’est le concept : la catégorie dont il fait partie, puis ce qui le distingue.',
          },
          { evidence: label },
        ),
      );
  }

  // Circularity through synonyms: a definition that names the concept by one of its own labels.
  for (const alt of concept.altLabels) {
    const definition = concept.definitions[alt.language];
    if (!definition) continue;
    const altWords = words(alt.text);
    // Single letters and two-letter abbreviations occur in ordinary prose by chance.
    if (altWords.join('').length < 3) continue;
    if (containsWords(words(definition), altWords))
      findings.push(
        finding(
          language,
          'circular-synonym',
          'circular_definition',
          'warning',
          {
            en: `The definition in ${alt.language} uses the concept's own synonym ${quoted('en', alt.text)}: it defines the concept by itself.`,
            fr: `La définition en ${alt.language} emploie un synonyme du concept lui-même, ${quoted('fr', alt.text)} : elle le définit par lui-même.`,
          },
          {
            en: 'Define it without its own labels: the broader class it belongs to, then what distinguishes it.',
            fr: 'Définissez-le sans ses propres libellés : la catégorie dont il fait partie, puis ce qui le distingue.',
          },
          { evidence: alt.text },
        ),
      );
  }
  return findings;
}
