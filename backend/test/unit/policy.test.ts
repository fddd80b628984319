import { describe, expect, it } from 'vitest';
import { policy } from '../../src/auth/policy.ts';

const author = { id: 'a', role: 'user' as const };
const other = { id: 'b', role: 'user' as const };
const reviewer = { id: 'r', role: 'admin' as const };
const byAuthor = { createdBy: 'a' };
const orphan = { createdBy: null };

describe('the access policy', () => {
  it('lets the author or a reviewer change a term, nobody else; an orphan only by a reviewer', () => {
    expect([author, other, reviewer].map((actor) => policy.mayChange(actor, byAuthor))).toEqual([
      true,
      false,
      true,
    ]);
    expect([author, reviewer].map((actor) => policy.mayChange(actor, orphan))).toEqual([false, true]);
    expect(() => policy.assertMayChange(other, byAuthor, 'no')).toThrow(
      expect.objectContaining({ status: 403 }),
    );
  });

  it("lets a relation go by its author, either end's author, or a reviewer", () => {
    const relation = { createdBy: 'x' };
    expect(policy.mayRemoveRelation(author, relation, [byAuthor, undefined])).toBe(true);
    expect(policy.mayRemoveRelation(other, relation, [byAuthor, orphan])).toBe(false);
    expect(policy.mayRemoveRelation(reviewer, relation, [undefined, undefined])).toBe(true);
  });

  it('keeps validation for reviewers, and sends non-reviewers’ edits of validated terms back to review', () => {
    expect([author, reviewer].map((actor) => policy.isReviewer(actor))).toEqual([false, true]);
    expect([author, reviewer].map((actor) => policy.editNeedsReview(actor))).toEqual([true, false]);
    expect(() => policy.assertReviewer(author)).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});
