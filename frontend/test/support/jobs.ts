import pg from 'pg';

/**
 * Holds back a term's queued validation job in the stack's database, so a test can see the page while
 * the job waits and then let the worker run it: the only way to tell "the result arrived while I was
 * looking" from "it was already there" without racing the worker.
 */
export async function withDatabase<T>(
  databaseUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Postpones the term's queued job by an hour; its id, or null when the worker already took it. */
export async function holdQueuedJob(databaseUrl: string, termId: string): Promise<string | null> {
  return withDatabase(databaseUrl, async (client) => {
    const result = await client.query<{ id: string }>(
      `UPDATE validation_jobs SET run_after = now() + interval '1 hour'
       WHERE term_id = $1 AND status = 'queued' RETURNING id`,
      [termId],
    );
    return result.rows[0]?.id ?? null;
  });
}

export async function releaseJob(databaseUrl: string, jobId: string): Promise<void> {
  await withDatabase(databaseUrl, (client) =>
    client.query(`UPDATE validation_jobs SET run_after = now() WHERE id = $1`, [jobId]),
  );
}
