/** The rules about labels across languages, on subjects built in memory. */
import { describe, expect, it } from 'vitest';
import type { ConceptContext, ValidationSubject } from '../../src/validation/ports.ts';
import { labelFindings } from '../../src/validation/rules/labels.ts';

function subject(concept: Partial<ConceptContext>): ValidationSubject {
  return {
    term: { id: 't', term: 'Machine learning', definition: 'A field of study.', domain: 'AI', version: 1 },
    neighbours: [],
    similar: [],
    concept: {
      defaultLanguage: 'en',
      languages: ['en'],
      prefLabels: { en: 'Machine learning' },
      definitions: { en: 'A field of study of algorithms that learn from data.' },
      altLabels: [],
      clashes: [],
      ...concept,
    },
  };
}

const rulesOf = (findings: ReturnType<typeof labelFindings>) => findings.map((finding) => finding.rule);

describe('the label rules', () => {
  it('say nothing about a concept of a one-language vocabulary, or without its labels loaded', () => {
    expect(labelFindings(subject({}), 'en')).toEqual([]);
    expect(labelFindings({ ...subject({}), concept: undefined } as ValidationSubject, 'en')).toEqual([]);
  });

  it('list the content languages still missing a preferred label or a definition, as information', () => {
    const [missing] = labelFindings(
      subject({
        languages: ['en', 'fr', 'de'],
        prefLabels: { en: 'Machine learning', fr: 'Apprentissage automatique' },
      }),
      'fr',
    );
    expect(missing).toMatchObject({
      rule: 'missing-translation',
      type: 'missing_translation',
      severity: 'info',
      explanation: 'Pas de libellé préféré en de. Pas de définition en fr, de.',
      evidence: 'de, fr',
    });
    expect(missing!.translations?.en.explanation).toBe('No preferred label in de. No definition in fr, de.');
  });

  it('report labels shared with other concepts, naming them, as information', () => {
    const findings = labelFindings(
      subject({
        clashes: [
          { label: 'Translation', kind: 'pref', language: 'en', termId: 'other-1', term: 'Translation' },
          { label: 'ML', kind: 'alt', language: 'en', termId: 'other-2', term: 'ML' },
        ],
      }),
      'en',
    );
    expect(findings.map((finding) => [finding.rule, finding.severity, finding.relatedTermIds])).toEqual([
      ['shared-pref-label', 'info', ['other-1']],
      ['alt-label-is-pref-elsewhere', 'info', ['other-2']],
    ]);
  });

  it('find a definition in another language that only repeats its label, and one defined by its own synonym', () => {
    const findings = labelFindings(
      subject({
        languages: ['en', 'fr'],
        prefLabels: { en: 'Machine learning', fr: 'Apprentissage automatique' },
        definitions: {
          en: 'A field in which statistical learning lets programs improve from data.',
          fr: 'Apprentissage  automatique.',
        },
        altLabels: [
          { language: 'en', text: 'Statistical learning' },
          { language: 'en', text: 'ML' },
        ],
      }),
      'en',
    );
    expect(rulesOf(findings)).toEqual(['definition-repeats-label', 'circular-synonym']);
    expect(findings[1]).toMatchObject({ severity: 'warning', evidence: 'Statistical learning' });
  });
});
