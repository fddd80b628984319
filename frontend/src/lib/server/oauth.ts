import { timingSafeEqual } from 'node:crypto';

export const OAUTH_STATE_COOKIE = 'lexikon_oauth_state';

/** Compares the state the provider sent back with the one this browser started with. */
export function sameState(fromProvider: string | null, fromCookie: string | undefined): boolean {
  if (!fromProvider || !fromCookie) return false;
  const a = Buffer.from(fromProvider);
  const b = Buffer.from(fromCookie);
  return a.length === b.length && timingSafeEqual(a, b);
}
