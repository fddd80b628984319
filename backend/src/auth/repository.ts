import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../platform/database/client.ts';
import { refreshTokens, users } from '../platform/database/schema.ts';

export type UserRow = typeof users.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export interface UserWithProviders extends UserRow {
  providers: string[];
}

/** Users and refresh tokens. Every method takes the executor, so services decide transaction scope. */
export const authRepository = {
  async findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
    const [row] = await db
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email.toLowerCase()}`)
      .limit(1);
    return row;
  },

  async findUserById(db: Db, id: string): Promise<UserWithProviders | undefined> {
    const [row] = await db
      .select({
        user: users,
        // Spelled out: Drizzle leaves columns unqualified in single-table selects, and an unqualified "id"
        // inside this subquery would mean oauth_accounts.id.
        providers: sql<
          string[]
        >`coalesce((SELECT array_agg(oa.provider ORDER BY oa.provider) FROM oauth_accounts oa WHERE oa.user_id = users.id), '{}')`,
      })
      .from(users)
      .where(eq(users.id, id))
      .limit(1);
    return row ? { ...row.user, providers: row.providers } : undefined;
  },

  async insertUser(db: Db, values: typeof users.$inferInsert): Promise<UserRow> {
    const [row] = await db.insert(users).values(values).returning();
    return row!;
  },

  async updateUser(
    db: Db,
    id: string,
    values: Partial<Pick<UserRow, 'username' | 'fullName' | 'passwordHash' | 'role'>>,
  ): Promise<void> {
    await db
      .update(users)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(users.id, id));
  },

  async insertRefreshToken(
    db: Db,
    values: { userId: string; familyId: string; tokenHash: string; ttlDays: number },
  ): Promise<void> {
    await db.insert(refreshTokens).values({
      userId: values.userId,
      familyId: values.familyId,
      tokenHash: values.tokenHash,
      expiresAt: sql`now() + make_interval(days => ${values.ttlDays})`,
    });
  },

  /** Locks the token row so two concurrent refreshes of one token cannot both succeed. */
  async lockRefreshToken(
    db: Db,
    tokenHash: string,
  ): Promise<(RefreshTokenRow & { expired: boolean }) | undefined> {
    const [row] = await db
      .select({ token: refreshTokens, expired: sql<boolean>`${refreshTokens.expiresAt} <= now()` })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .for('update');
    return row ? { ...row.token, expired: row.expired } : undefined;
  },

  async markRefreshTokenUsed(db: Db, id: string): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ usedAt: sql`now()` })
      .where(eq(refreshTokens.id, id));
  },

  async revokeFamily(db: Db, familyId: string): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  },

  async revokeAllForUser(db: Db, userId: string, exceptFamilyId?: string): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(refreshTokens.userId, userId),
          isNull(refreshTokens.revokedAt),
          exceptFamilyId ? sql`${refreshTokens.familyId} <> ${exceptFamilyId}` : undefined,
        ),
      );
  },

  async countAdmins(db: Db): Promise<number> {
    const [row] = await db
      .select({ count: sql<number>`count(*)::int` })
      .from(users)
      .where(eq(users.role, 'admin'));
    return row?.count ?? 0;
  },
};

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type AuthRepository = typeof authRepository;
