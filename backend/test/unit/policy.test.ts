import { describe, expect, it } from 'vitest';
import { assertReadable, policy, type VocabularyAccess } from '../../src/auth/policy.ts';
import type { VocabularyPermissions, VocabularyRole } from '../../src/vocabularies/schemas.ts';

const user = { id: 'u', role: 'user' as const };
const admin = { id: 'a', role: 'admin' as const };

const vocabulary = (overrides: Partial<VocabularyAccess> = {}): VocabularyAccess => ({
  visibility: 'private',
  contribution: 'members',
  role: null,
  isDefault: false,
  ...overrides,
});

/** The permissions as a short string, in a fixed order: r c e v s m d (read, create, edit, review, …). */
function letters(permissions: VocabularyPermissions): string {
  const order: [keyof VocabularyPermissions, string][] = [
    ['read', 'r'],
    ['create_terms', 'c'],
    ['edit_terms', 'e'],
    ['review', 'v'],
    ['edit_settings', 's'],
    ['manage_members', 'm'],
    ['delete', 'd'],
  ];
  return order.map(([key, letter]) => (permissions[key] ? letter : '-')).join('');
}

describe('the access policy', () => {
  it('gives each role of a private vocabulary what it names, and strangers nothing', () => {
    const byRole = (role: VocabularyRole | null) => letters(policy.vocabulary(user, vocabulary({ role })));
    expect({
      owner: byRole('owner'),
      editor: byRole('editor'),
      reviewer: byRole('reviewer'),
      viewer: byRole('viewer'),
      stranger: byRole(null),
      anonymous: letters(policy.vocabulary(null, vocabulary())),
      admin: letters(policy.vocabulary(admin, vocabulary())),
    }).toEqual({
      owner: 'rcevsmd',
      editor: 'rce----',
      reviewer: 'r--v---',
      viewer: 'r------',
      stranger: '-------',
      anonymous: '-------',
      admin: 'rcevsmd',
    });
  });

  it('lets anyone read a public vocabulary, signed-in users an internal one, and no role count for the anonymous', () => {
    expect(letters(policy.vocabulary(null, vocabulary({ visibility: 'public' })))).toBe('r------');
    expect(letters(policy.vocabulary(null, vocabulary({ visibility: 'internal' })))).toBe('-------');
    expect(letters(policy.vocabulary(user, vocabulary({ visibility: 'internal' })))).toBe('r------');
    expect(letters(policy.vocabulary(null, vocabulary({ role: 'owner' })))).toBe('-------');
  });

  it('lets any signed-in reader add concepts where contribution is open, and keeps the default vocabulary', () => {
    const open = vocabulary({ visibility: 'internal', contribution: 'signed_in', isDefault: true });
    expect(letters(policy.vocabulary(user, open))).toBe('rc-----');
    expect(letters(policy.vocabulary(null, { ...open, visibility: 'public' }))).toBe('r------');
    expect(letters(policy.vocabulary(admin, open))).toBe('rcevsm-');
    expect(letters(policy.vocabulary(user, { ...open, role: 'owner' }))).toBe('rcevsm-');
  });

  it('lets an author change their own concepts where contribution is open, an editor any, a viewer none', () => {
    const open = policy.vocabulary(user, vocabulary({ visibility: 'internal', contribution: 'signed_in' }));
    const editor = policy.vocabulary(user, vocabulary({ role: 'editor' }));
    const viewer = policy.vocabulary(user, vocabulary({ role: 'viewer' }));
    const mine = { createdBy: 'u' };
    const theirs = { createdBy: 'x' };
    const orphan = { createdBy: null };
    expect([mine, theirs, orphan].map((term) => policy.mayChangeTerm(user, open, term))).toEqual([
      true,
      false,
      false,
    ]);
    expect([mine, theirs, orphan].map((term) => policy.mayChangeTerm(user, editor, term))).toEqual([
      true,
      true,
      true,
    ]);
    expect(policy.mayChangeTerm(user, viewer, mine)).toBe(false);
  });

  it("lets a relation go by an editor, or, where contribution is open, by its author or either end's", () => {
    const open = policy.vocabulary(user, vocabulary({ visibility: 'internal', contribution: 'signed_in' }));
    const editor = policy.vocabulary(user, vocabulary({ role: 'editor' }));
    const relation = { createdBy: 'x' };
    expect(policy.mayRemoveRelation(user, open, { createdBy: 'u' }, [undefined, undefined])).toBe(true);
    expect(policy.mayRemoveRelation(user, open, relation, [{ createdBy: 'u' }, undefined])).toBe(true);
    expect(policy.mayRemoveRelation(user, open, relation, [{ createdBy: 'y' }, { createdBy: null }])).toBe(
      false,
    );
    expect(policy.mayRemoveRelation(user, editor, relation, [undefined, undefined])).toBe(true);
  });

  it('answers what may not be read as missing, and keeps bulk work for administrators', () => {
    expect(() => assertReadable({ permissions: policy.vocabulary(user, vocabulary()) })).toThrow(
      expect.objectContaining({ status: 404 }),
    );
    expect([user, admin].map((actor) => policy.isReviewer(actor))).toEqual([false, true]);
    expect(() => policy.assertReviewer(user)).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});
