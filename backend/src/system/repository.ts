import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../platform/database/client.ts';

export interface Counts {
  terms: number;
  relations: number;
  domains: number;
}

export const systemRepository = {
  /** How big the vocabulary is: terms, relations, and domains counted without case or accents. */
  async counts(db: Db): Promise<Counts> {
    const result = await db.execute(sql`
      SELECT (SELECT count(*) FROM terms)::int AS terms,
             (SELECT count(*) FROM relationships)::int AS relations,
             (SELECT count(DISTINCT lexikon_fold(domain)) FROM terms WHERE domain IS NOT NULL)::int AS domains`);
    return rowsOf<Counts>(result)[0]!;
  },
};

/** What a service gets by constructor: stateless queries over the database or transaction it is given. */
export type SystemRepository = typeof systemRepository;
