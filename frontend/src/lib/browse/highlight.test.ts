import { describe, expect, it } from 'vitest';
import { highlight, labelIn } from './highlight.ts';

const marked = (text: string, query: string) =>
  highlight(text, query)
    .map((part) => (part.hit ? `[${part.text}]` : part.text))
    .join('');

describe('highlight', () => {
  it('marks the prefixes of words the query starts, folding case and accents', () => {
    expect(marked('Réseau de neurones', 'neur')).toBe('Réseau de [neur]ones');
    expect(marked('Réseau de neurones', 'reseau')).toBe('[Réseau] de neurones');
    expect(marked('Apprentissage par renforcement', 'APPRENT renf')).toBe(
      '[Apprent]issage par [renf]orcement',
    );
  });

  it('keeps the text whole: nothing lost, nothing marked without a query', () => {
    expect(marked('Deep learning', '')).toBe('Deep learning');
    expect(highlight('', 'x')).toEqual([]);
    const parts = highlight('Œuvre d’art, 2e édition', 'edit 2e');
    expect(parts.map((part) => part.text).join('')).toBe('Œuvre d’art, 2e édition');
    expect(marked('Œuvre d’art, 2e édition', 'edit 2e')).toBe('Œuvre d’art, [2e] [édit]ion');
  });

  it('does not mark inside a word', () => {
    expect(marked('Overfitting', 'fit')).toBe('Overfitting');
  });
});

describe('labelIn', () => {
  const concept = { term: 'Machine learning', pref_labels: { fr: 'Apprentissage automatique' } };
  it('shows the label in the chosen content language, or the default one marked as a fallback', () => {
    expect(labelIn(concept, 'fr', 'en')).toEqual({
      text: 'Apprentissage automatique',
      language: 'fr',
      fallback: false,
    });
    expect(labelIn(concept, 'de', 'en')).toEqual({
      text: 'Machine learning',
      language: 'en',
      fallback: true,
    });
    expect(labelIn(concept, null, 'en')).toEqual({
      text: 'Machine learning',
      language: 'en',
      fallback: false,
    });
  });
});
