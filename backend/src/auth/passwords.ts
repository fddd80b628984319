import { hash, verify, type Algorithm } from '@node-rs/argon2';

// `Algorithm` is a const enum, which type stripping cannot inline: 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm;

// OWASP's argon2id baseline: 19 MiB of memory, 2 iterations, 1 lane.
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let decoyHash: Promise<string> | undefined;

/**
 * Burns the same time as a real check when there is no hash to check against (unknown email, or an
 * OAuth-only account), so response times do not reveal which emails have accounts.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword('decoy password that never matches anything');
  await verifyPassword(await decoyHash, password);
  return false;
}
