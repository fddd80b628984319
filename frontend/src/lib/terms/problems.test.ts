import { describe, expect, it } from 'vitest';
import type { Problem, ProblemCode } from '@lexikon/contracts/problem';
import { allowedStatuses, cyclePath, termProblemMessage } from './problems.ts';

const problem = (code: ProblemCode, extra: Record<string, unknown> = {}): Problem => ({
  type: `/problems/${code}`,
  title: 'T',
  status: 422,
  code,
  detail: 'English detail.',
  ...extra,
});

describe('termProblemMessage', () => {
  it('lists the allowed statuses in the reader’s language', () => {
    const refused = problem('invalid-status-transition', { allowed: ['proposed', 'deprecated', 'bogus'] });
    expect(allowedStatuses(refused)).toEqual(['proposed', 'deprecated']);
    expect(termProblemMessage(refused, 'fr')).toBe(
      'Ce changement de statut n’est pas permis. Statuts possibles : Proposé, Obsolète.',
    );
    expect(termProblemMessage(refused, 'en')).toBe(
      'This status change is not allowed. Possible statuses: Proposed, Deprecated.',
    );
  });

  it('spells out a cycle', () => {
    const cycle = problem('relation-cycle', {
      path: [
        { id: 'a', term: 'A' },
        { id: 'b', term: 'B' },
        { id: 'a', term: 'A' },
      ],
    });
    expect(cyclePath(cycle).map((step) => step.id)).toEqual(['a', 'b', 'a']);
    expect(termProblemMessage(cycle, 'en')).toBe('This relation would create a cycle: A → B → A.');
  });

  it('translates known codes and falls back on the API’s detail', () => {
    expect(termProblemMessage(problem('term-exists', { status: 409 }), 'en')).toMatch(
      /^This term already exists/,
    );
    expect(termProblemMessage(problem('validation-failed', { status: 400 }), 'fr')).toBe(
      'Corrigez les champs signalés.',
    );
    expect(termProblemMessage(problem('something-new' as ProblemCode), 'fr')).toBe('English detail.');
  });

  it('copes with problems missing their extensions', () => {
    expect(cyclePath(problem('relation-cycle'))).toEqual([]);
    expect(allowedStatuses(problem('invalid-status-transition', { allowed: 'draft' }))).toEqual([]);
  });
});
