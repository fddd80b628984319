import { describe, expect, it } from 'vitest';
import {
  NEW_TERM_DRAFT_KEY,
  clearDraft,
  draftFromForm,
  emptyDraft,
  isBlankDraft,
  parseDraft,
  readDraft,
  serializeDraft,
  writeDraft,
  type TermDraft,
} from './draft.ts';

const draft: TermDraft = {
  term: 'Perceptron',
  definition: 'Réseau de neurones à une couche.',
  domain: 'IA',
  level: 'intermediate',
  status: 'proposed',
  vocabulary: 'ai',
  notation: 'c42',
};

class MemoryStorage {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

describe('draft serialization', () => {
  it('round-trips', () => {
    expect(parseDraft(serializeDraft(draft, new Date('2024-05-01T10:00:00Z')))).toEqual(draft);
  });

  it('stores a version and the time, never anything but the fields', () => {
    const stored = JSON.parse(serializeDraft(draft, new Date('2024-05-01T10:00:00Z')));
    expect(Object.keys(stored).sort()).toEqual([
      'definition',
      'domain',
      'level',
      'notation',
      'savedAt',
      'status',
      'term',
      'v',
      'vocabulary',
    ]);
  });

  it('rejects garbage, other versions and blank drafts', () => {
    expect(parseDraft(null)).toBeNull();
    expect(parseDraft('not json')).toBeNull();
    expect(parseDraft('[]')).toBeNull();
    expect(parseDraft(JSON.stringify({ ...draft, v: 99 }))).toBeNull();
    expect(parseDraft(serializeDraft({ ...emptyDraft, level: 'expert' }))).toBeNull();
  });

  it('reads a draft kept before vocabularies existed: the default vocabulary, a generated notation', () => {
    const raw = JSON.stringify({
      v: 1,
      term: 'X',
      definition: 'D',
      domain: '',
      level: 'beginner',
      status: 'draft',
    });
    expect(parseDraft(raw)).toMatchObject({ term: 'X', vocabulary: '', notation: '' });
  });

  it('repairs odd field values', () => {
    const raw = JSON.stringify({
      v: 1,
      term: 'X',
      definition: 42,
      domain: null,
      level: 'guru',
      status: 'validated',
    });
    expect(parseDraft(raw)).toEqual({
      term: 'X',
      definition: '',
      domain: '',
      level: 'beginner',
      status: 'draft',
      vocabulary: '',
      notation: '',
    });
  });
});

describe('isBlankDraft', () => {
  it('ignores whitespace and the select fields', () => {
    expect(isBlankDraft({ ...emptyDraft, term: '  ', level: 'expert', status: 'proposed' })).toBe(true);
    expect(isBlankDraft({ ...emptyDraft, domain: 'IA' })).toBe(false);
  });
});

describe('draft storage', () => {
  it('writes, reads and clears under the new-term key', () => {
    const storage = new MemoryStorage();
    writeDraft(storage, draft);
    expect(storage.items.has(NEW_TERM_DRAFT_KEY)).toBe(true);
    expect(readDraft(storage)).toEqual(draft);
    clearDraft(storage);
    expect(readDraft(storage)).toBeNull();
  });

  it('removes the draft when the form is emptied', () => {
    const storage = new MemoryStorage();
    writeDraft(storage, draft);
    writeDraft(storage, emptyDraft);
    expect(storage.items.size).toBe(0);
  });

  it('never throws when storage is missing or refuses', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(readDraft(broken)).toBeNull();
    expect(() => writeDraft(broken, draft)).not.toThrow();
    expect(() => clearDraft(broken)).not.toThrow();
    expect(readDraft(undefined)).toBeNull();
  });
});

describe('draftFromForm', () => {
  it('takes the form fields and falls back on defaults', () => {
    expect(
      draftFromForm({
        term: 'T',
        definition: 'D',
        domain: '',
        level: 'expert',
        status: 'proposed',
        extra: 'x',
      }),
    ).toEqual({
      term: 'T',
      definition: 'D',
      domain: '',
      level: 'expert',
      vocabulary: '',
      notation: '',
      status: 'proposed',
    });
    expect(draftFromForm({ level: 'nope', status: 'validated' })).toEqual(emptyDraft);
  });
});
