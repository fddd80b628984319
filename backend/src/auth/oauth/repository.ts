import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../platform/database/client.ts';
import { oauthAccounts, oauthStates, users } from '../../platform/database/schema.ts';

export type OAuthStateRow = typeof oauthStates.$inferSelect;

/** Flow state and provider links, in PostgreSQL so any replica can finish a flow another one started. */
export const oauthRepository = {
  async insertState(
    db: Db,
    values: Omit<typeof oauthStates.$inferInsert, 'expiresAt'> & { ttlSeconds: number },
  ): Promise<void> {
    const { ttlSeconds, ...row } = values;
    await db
      .insert(oauthStates)
      .values({ ...row, expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})` });
  },

  /** Marks a state used and returns it, only if it exists, is unused and unexpired: each state works once. */
  async consumeState(db: Db, stateHash: string): Promise<OAuthStateRow | undefined> {
    const [row] = await db
      .update(oauthStates)
      .set({ consumedAt: sql`now()` })
      .where(
        and(
          eq(oauthStates.stateHash, stateHash),
          isNull(oauthStates.consumedAt),
          gt(oauthStates.expiresAt, sql`now()`),
        ),
      )
      .returning();
    return row;
  },

  async purgeExpiredStates(db: Db): Promise<void> {
    await db.delete(oauthStates).where(lt(oauthStates.expiresAt, sql`now() - interval '1 day'`));
  },

  async findAccount(db: Db, provider: string, providerUserId: string) {
    const [row] = await db
      .select()
      .from(oauthAccounts)
      .where(and(eq(oauthAccounts.provider, provider), eq(oauthAccounts.providerUserId, providerUserId)))
      .limit(1);
    return row;
  },

  async linkAccount(db: Db, values: typeof oauthAccounts.$inferInsert): Promise<void> {
    await db.insert(oauthAccounts).values(values);
  },

  async unlinkAccount(db: Db, userId: string, provider: string): Promise<boolean> {
    const removed = await db
      .delete(oauthAccounts)
      .where(and(eq(oauthAccounts.userId, userId), eq(oauthAccounts.provider, provider)))
      .returning({ id: oauthAccounts.id });
    return removed.length > 0;
  },

  /** Locks the user row so that two concurrent unlinks cannot remove the last two ways to sign in. */
  async signInMethods(
    db: Db,
    userId: string,
  ): Promise<{ hasPassword: boolean; providers: string[] } | undefined> {
    const [user] = await db
      .select({ passwordHash: users.passwordHash })
      .from(users)
      .where(eq(users.id, userId))
      .for('update');
    if (!user) return undefined;
    const links = await db
      .select({ provider: oauthAccounts.provider })
      .from(oauthAccounts)
      .where(eq(oauthAccounts.userId, userId));
    return { hasPassword: user.passwordHash !== null, providers: links.map((link) => link.provider) };
  },

  async usernameTaken(db: Db, username: string): Promise<boolean> {
    const [row] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.username}) = lower(${username})`)
      .limit(1);
    return row !== undefined;
  },
};

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type OAuthRepository = typeof oauthRepository;
