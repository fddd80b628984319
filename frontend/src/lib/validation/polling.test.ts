import { describe, expect, it } from 'vitest';
import { pendingKey, pollDelay } from './polling.ts';

describe('pollDelay', () => {
  it('doubles from one second and stays at thirty', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(pollDelay)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });
});

describe('pendingKey', () => {
  it('changes when the job moves, not when it is read again', () => {
    const queued = { term_version: 2, status: 'queued' as const, attempts: 0 };
    expect(pendingKey(queued)).toBe(pendingKey({ ...queued }));
    expect(pendingKey({ ...queued, status: 'running' })).not.toBe(pendingKey(queued));
    expect(pendingKey({ ...queued, attempts: 1 })).not.toBe(pendingKey(queued));
    expect(pendingKey(null)).toBeNull();
  });
});
