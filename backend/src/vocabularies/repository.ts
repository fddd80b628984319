import { and, asc, eq, sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';
import { users, vocabularies, vocabularyMembers } from '../platform/database/schema.ts';
import type { VocabularyRole } from './schemas.ts';

// The feed counter belongs to history (term_revisions), which alone reads and moves it.
export type VocabularyRow = Omit<typeof vocabularies.$inferSelect, 'lastChangeSeq'>;
export type NewVocabularyRow = typeof vocabularies.$inferInsert;

export interface VocabularyWithRole extends VocabularyRow {
  /** The reader's role, null when not a member (or anonymous). */
  role: VocabularyRole | null;
  termCount: number;
}

export interface MemberRow {
  userId: string;
  username: string | null;
  fullName: string | null;
  email: string;
  role: VocabularyRole;
  grantedBy: string | null;
  grantedByName: string | null;
  grantedAt: Date;
}

const termCount = sql<number>`(SELECT count(*)::int FROM terms t WHERE t.vocabulary_id = "vocabularies"."id")`;
const roleOf = (userId: string | null) =>
  userId === null
    ? sql<VocabularyRole | null>`NULL::vocabulary_role`
    : sql<VocabularyRole | null>`(SELECT m.role FROM vocabulary_members m WHERE m.vocabulary_id = "vocabularies"."id" AND m.user_id = ${userId}::uuid)`;

export const vocabulariesRepository = {
  async insert(db: Db, values: NewVocabularyRow): Promise<VocabularyRow> {
    const [row] = await db.insert(vocabularies).values(values).returning();
    return row!;
  },

  async findBySlug(
    db: Db,
    slug: string,
    readerId: string | null,
    options: { lock?: boolean; count?: boolean } = {},
  ): Promise<VocabularyWithRole | undefined> {
    const query = db
      .select({
        ...vocabularyColumns(),
        role: roleOf(readerId),
        // Counting is a scan of the vocabulary's terms: only when the answer shows it.
        termCount: options.count ? termCount : sql<number>`0`,
      })
      .from(vocabularies)
      .where(eq(vocabularies.slug, slug))
      .limit(1);
    const [row] = options.lock ? await query.for('update', { of: vocabularies }) : await query;
    return row;
  },

  async findById(db: Db, id: string, readerId: string | null): Promise<VocabularyWithRole | undefined> {
    const [row] = await db
      .select({ ...vocabularyColumns(), role: roleOf(readerId), termCount: sql<number>`0` })
      .from(vocabularies)
      .where(eq(vocabularies.id, id))
      .limit(1);
    return row;
  },

  /** Every vocabulary, with the reader's role; the service keeps those the reader may see. */
  async list(db: Db, readerId: string | null): Promise<VocabularyWithRole[]> {
    return db
      .select({ ...vocabularyColumns(), role: roleOf(readerId), termCount })
      .from(vocabularies)
      .orderBy(asc(vocabularies.slug));
  },

  /** Every vocabulary as stored, by slug: what an export writes. */
  async all(db: Db): Promise<VocabularyRow[]> {
    return db.select().from(vocabularies).orderBy(asc(vocabularies.slug));
  },

  async update(db: Db, id: string, values: Partial<NewVocabularyRow>): Promise<void> {
    await db
      .update(vocabularies)
      .set({ ...values, version: sql`${vocabularies.version} + 1`, updatedAt: sql`now()` })
      .where(eq(vocabularies.id, id));
  },

  async delete(db: Db, id: string): Promise<void> {
    await db.delete(vocabularies).where(eq(vocabularies.id, id));
  },

  async members(db: Db, vocabularyId: string): Promise<MemberRow[]> {
    const result = await db.execute(sql`
      SELECT m.user_id AS "userId", u.username, u.full_name AS "fullName", u.email, m.role,
             m.granted_by AS "grantedBy", coalesce(g.full_name, g.username, g.email) AS "grantedByName",
             m.granted_at AS "grantedAt"
      FROM vocabulary_members m
      JOIN users u ON u.id = m.user_id
      LEFT JOIN users g ON g.id = m.granted_by
      WHERE m.vocabulary_id = ${vocabularyId}::uuid
      ORDER BY array_position(ARRAY['owner', 'editor', 'reviewer', 'viewer']::vocabulary_role[], m.role),
               lower(coalesce(u.full_name, u.username, u.email)), m.user_id`);
    return rowsOf<MemberRow & { grantedAt: Date | string }>(result).map((row) => ({
      ...row,
      grantedAt: new Date(row.grantedAt),
    }));
  },

  /** Grants or changes a role; returns the role held before, if any. */
  async upsertMember(
    db: Db,
    member: { vocabularyId: string; userId: string; role: VocabularyRole; grantedBy: string },
  ): Promise<VocabularyRole | null> {
    const [previous] = await db
      .select({ role: vocabularyMembers.role })
      .from(vocabularyMembers)
      .where(
        and(
          eq(vocabularyMembers.vocabularyId, member.vocabularyId),
          eq(vocabularyMembers.userId, member.userId),
        ),
      )
      .for('update');
    await db
      .insert(vocabularyMembers)
      .values(member)
      .onConflictDoUpdate({
        target: [vocabularyMembers.vocabularyId, vocabularyMembers.userId],
        set: { role: member.role, grantedBy: member.grantedBy, grantedAt: sql`now()` },
      });
    return previous?.role ?? null;
  },

  async removeMember(db: Db, vocabularyId: string, userId: string): Promise<VocabularyRole | null> {
    const [row] = await db
      .delete(vocabularyMembers)
      .where(and(eq(vocabularyMembers.vocabularyId, vocabularyId), eq(vocabularyMembers.userId, userId)))
      .returning({ role: vocabularyMembers.role });
    return row?.role ?? null;
  },

  /** The languages the vocabulary's concepts use in their labels, definitions, sources and notes. */
  async languagesInUse(db: Db, vocabularyId: string): Promise<string[]> {
    const result = await db.execute(sql`
      SELECT DISTINCT p.language FROM terms t
      JOIN LATERAL (
        SELECT language FROM term_labels WHERE term_id = t.id
        UNION SELECT language FROM term_definitions WHERE term_id = t.id
        UNION SELECT language FROM term_sources WHERE term_id = t.id
        UNION SELECT language FROM term_notes WHERE term_id = t.id
      ) p ON true
      WHERE t.vocabulary_id = ${vocabularyId}::uuid`);
    return rowsOf<{ language: string }>(result).map((row) => row.language);
  },

  async ownerCount(db: Db, vocabularyId: string): Promise<number> {
    const result = await db.execute(sql`
      SELECT count(*)::int AS n FROM vocabulary_members
      WHERE vocabulary_id = ${vocabularyId}::uuid AND role = 'owner'`);
    return rowsOf<{ n: number }>(result)[0]!.n;
  },

  async findUser(db: Db, by: { email: string } | { id: string }): Promise<{ id: string } | undefined> {
    const [row] = await db
      .select({ id: users.id })
      .from(users)
      .where('email' in by ? sql`lower(${users.email}) = lower(${by.email})` : eq(users.id, by.id))
      .limit(1);
    return row;
  },
};

function vocabularyColumns() {
  return {
    id: vocabularies.id,
    slug: vocabularies.slug,
    title: vocabularies.title,
    description: vocabularies.description,
    defaultLanguage: vocabularies.defaultLanguage,
    languages: vocabularies.languages,
    baseIri: vocabularies.baseIri,
    license: vocabularies.license,
    visibility: vocabularies.visibility,
    contribution: vocabularies.contribution,
    uniquePrefLabels: vocabularies.uniquePrefLabels,
    approvalsRequired: vocabularies.approvalsRequired,
    selfApproval: vocabularies.selfApproval,
    version: vocabularies.version,
    createdBy: vocabularies.createdBy,
    createdAt: vocabularies.createdAt,
    updatedAt: vocabularies.updatedAt,
  };
}

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type VocabulariesRepository = typeof vocabulariesRepository;
