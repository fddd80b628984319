import { describe, expect, it } from 'vitest';
import { locales, translate } from '#lib/i18n/messages.ts';
import {
  countMessage,
  countsSummary,
  formatDate,
  latencyText,
  reasonLabel,
  severityLabel,
  statusLabel,
  tokensText,
  typeHelp,
  typeLabel,
  validatorsPhrase,
  whoLabel,
} from './labels.ts';
import { llmRecord, record } from './testing.ts';
import { failureReasons, findingTypes, recordStatuses, severities } from './vocabulary.ts';

describe('labels', () => {
  it('names every error type, severity, outcome and failure reason in both languages', () => {
    for (const locale of locales) {
      const types = findingTypes.map((type) => typeLabel(type, locale));
      expect(new Set(types).size, `${locale}: distinct type labels`).toBe(findingTypes.length);
      for (const type of findingTypes) {
        expect(typeLabel(type, locale)).not.toContain('quality.');
        expect(typeHelp(type, locale)).not.toMatch(/quality\.|\{/);
      }
      for (const severity of severities) expect(severityLabel(severity, locale)).not.toContain('quality.');
      for (const status of recordStatuses) expect(statusLabel(status, locale)).not.toContain('quality.');
      for (const reason of failureReasons) expect(reasonLabel(reason, locale)).not.toContain('quality.');
    }
  });

  it('says what a type means, with the length limit filled in', () => {
    expect(typeLabel('circular_definition', 'fr')).toBe('Définition circulaire');
    expect(typeLabel('circular_definition', 'en')).toBe('Circular definition');
    expect(typeHelp('definition_too_long', 'en')).toBe(
      'Longer than the 200 characters of a short definition.',
    );
  });

  it('falls back on a generic failure when the reason is unknown', () => {
    expect(reasonLabel(null, 'en')).toBe('LLM failed');
    expect(reasonLabel('timeout', 'fr')).toBe('délai dépassé');
  });
});

describe('countsSummary', () => {
  it('lists the non-zero counts, most serious first, with plurals', () => {
    expect(countsSummary({ error: 1, warning: 2, info: 0 }, 'fr')).toBe('1 erreur, 2 avertissements');
    expect(countsSummary({ error: 0, warning: 1, info: 3 }, 'en')).toBe('1 warning, 3 notes');
    expect(countsSummary({ error: 0, warning: 0, info: 0 }, 'fr')).toBe('aucun constat');
    expect(countsSummary({ error: 0, warning: 0, info: 0 }, 'en')).toBe('no finding');
  });
});

describe('countMessage', () => {
  it('picks the plural form by language (French counts 0 as singular)', () => {
    expect(countMessage('quality.history.shown', 0, 'fr')).toBe('0 vérification affichée');
    expect(countMessage('quality.history.shown', 0, 'en')).toBe('0 checks shown');
    expect(countMessage('quality.blocking', 2, 'en')).toBe('2 findings keep this term from being validated.');
    expect(countMessage('quality.history.attempts', 1, 'fr')).toBe('1 tentative');
    expect(countMessage('quality.accepted', 1, 'fr')).toBe('1 constat accepté par un relecteur.');
  });

  it('formats big numbers in the reader’s way', () => {
    expect(countMessage('quality.history.shown', 1200, 'en')).toBe('1,200 checks shown');
  });
});

describe('validatorsPhrase', () => {
  it('names the rules, and the LLM with its model', () => {
    expect(validatorsPhrase(record(), 'fr')).toBe('les règles');
    expect(validatorsPhrase(llmRecord(), 'en')).toBe('the rules and the LLM gpt-4o-mini');
    expect(
      translate('fr', 'quality.checked', { date: 'hier', validators: validatorsPhrase(record(), 'fr') }),
    ).toBe('Dernière vérification le hier par les règles.');
  });
});

describe('whoLabel', () => {
  const id = '11111111-2222-4333-8444-555555555555';
  it('is "you" for the reader, a reviewer by id otherwise', () => {
    expect(whoLabel(id, id, 'fr')).toBe('vous');
    expect(whoLabel(id, 'someone-else', 'en')).toBe('a reviewer (account 11111111)');
    expect(whoLabel(null, id, 'en')).toBe('a reviewer (deleted account)');
  });
});

describe('latencyText and tokensText', () => {
  it('gives the run’s time, and the LLM’s part with its attempts', () => {
    expect(latencyText(record({ latency_ms: 1234 }), 'en')).toBe('1,234 ms');
    expect(latencyText(llmRecord({ latency_ms: 1500, llm_latency_ms: 1400, llm_attempts: 2 }), 'en')).toBe(
      '1,500 ms, LLM 1,400 ms (2 attempts)',
    );
  });

  it('splits the tokens into prompt and answer', () => {
    expect(tokensText({ prompt_tokens: 800, completion_tokens: 120, total_tokens: 920 }, 'en')).toBe(
      '920 (800 in, 120 out)',
    );
  });
});

describe('formatDate', () => {
  it('shows seconds only when asked', () => {
    const iso = '2026-03-04T05:06:07.000Z';
    expect(formatDate(iso, 'en')).not.toMatch(/:07/);
    expect(formatDate(iso, 'en', { seconds: true })).toMatch(/:07/);
    expect(formatDate(iso, 'fr')).toMatch(/2026/);
  });
});
