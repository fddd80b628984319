import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { authRepository } from '../../auth/repository.ts';
import { DEMO_VOCABULARY, demoConcepts } from '../../demo/concepts.ts';
import { graphChangeRecorder } from '../../graph/outbox/recorder.ts';
import type { Db } from '../../platform/database/client.ts';
import { users } from '../../platform/database/schema.ts';
import { hierarchicalRelationTypes } from '../../relations/schemas.ts';
import { relationsRepository } from '../../relations/repository.ts';
import { createTermBodySchema } from '../../terms/schemas.ts';
import { buildValidation } from '../../services.ts';
import {
  CliError,
  commandLogger,
  exitCodes,
  parseCommandArgs,
  type CommandDeps,
  type CommandSpec,
} from '../command.ts';
import { Progress } from '../progress.ts';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ImportRejected,
  formatPath,
  importDocument,
  problemLines,
  type ExportDocument,
} from '../transfer.ts';

export const DEMO_ACCOUNT_EMAIL = 'demo@lexikon.local';

const options = {} as const;

/**
 * Loads the demo ontology through the import machinery with `--on-conflict skip` semantics: terms are
 * matched by domain and folded term, existing relations are kept, so a second run adds nothing.
 */
export async function seedDemo(deps: CommandDeps): Promise<number> {
  parseCommandArgs('seed-demo', options, deps.args);
  const document = demoDocument();
  try {
    const { owner, summary } = await deps.database.db.transaction(async (tx) => {
      // Taken before choosing the owner, so concurrent seeds run one after the other and never race to
      // create the demo account. importDocument takes the same locks again, which is a no-op.
      for (const type of hierarchicalRelationTypes) await relationsRepository.lockHierarchy(tx, type);
      const owner = await demoOwner(tx);
      const summary = await importDocument(tx, document, {
        onConflict: 'skip',
        createdBy: owner.id,
        publicWebUrl: deps.config.publicWebUrl,
        progress: deps.stderr,
        graphChanges: graphChangeRecorder(deps.config.graph.neo4j !== null),
      });
      return { owner, summary };
    });
    // Validated at once by the rules, so the definition-quality panel is filled from the first look; an
    // LLM's review, when one is configured, follows through the queue (the server's worker runs it).
    const validation = buildValidation({
      config: deps.config,
      db: deps.database.db,
      logger: commandLogger(deps),
    }).service;
    const ids = summary.terms.createdIds;
    const progress = new Progress({ label: 'validation', total: ids.length, stream: deps.stderr });
    const validated = await validation.validateLoaded(ids, () => progress.advance());
    progress.finish();
    const queued = validation.llmConfigured
      ? await deps.database.db.transaction((tx) => validation.queueBulk(tx, ids))
      : 0;
    deps.stdout.write(
      `Demo ontology loaded into the vocabulary "${DEMO_VOCABULARY.slug}", owned by ${owner.email} (${owner.description}):\n` +
        `  terms: ${summary.terms.created} created, ${summary.terms.skipped} skipped (already present)\n` +
        `  relations: ${summary.relations.created} created, ${summary.relations.skipped} skipped (already present)\n` +
        `  validation: ${validated} checked by the rules` +
        (queued > 0 ? `, ${queued} queued for the LLM review\n` : '\n'),
    );
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof ImportRejected)
      throw new CliError(
        'The demo ontology conflicts with the data in the database; nothing was written:',
        exitCodes.dataError,
        problemLines(error.problems),
      );
    throw error;
  }
}

/**
 * The demo concepts as an export document, each validated by the API's own create-term rules. Fresh ids
 * every run: existing terms are recognised by name, not by id.
 */
export function demoDocument(): ExportDocument {
  const ids = new Map<string, string>();
  const problems: string[] = [];
  const { concepts, relations: demoRelations } = demoConcepts();
  const terms = concepts.map(({ key, ...fields }, index) => {
    ids.set(key, randomUUID());
    const parsed = createTermBodySchema.safeParse({ ...fields, vocabulary: DEMO_VOCABULARY.slug });
    if (!parsed.success)
      for (const issue of parsed.error.issues)
        problems.push(`  - ${formatPath(['demoConcepts', index, ...issue.path])}: ${issue.message}`);
    return parsed.success ? { id: ids.get(key)!, ...parsed.data } : undefined;
  });
  const relations = demoRelations.map((relation, index) => {
    const [sourceId, targetId] = [ids.get(relation.source), ids.get(relation.target)];
    if (!sourceId || !targetId)
      problems.push(`  - demoRelations[${index}]: unknown term key ${relation.source} or ${relation.target}`);
    return {
      source_id: sourceId ?? '',
      target_id: targetId ?? '',
      type: relation.type,
      strength: relation.strength ?? null,
    };
  });
  // The demo data ships with the code: a problem here is a bug, not something the user can fix.
  if (problems.length > 0)
    throw new CliError('The built-in demo ontology is invalid:', exitCodes.software, problems);
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    // Made on the first run, owned by the demo's owner, public so that it can be browsed without an
    // account; left as its owners set it afterwards.
    vocabularies: [
      {
        slug: DEMO_VOCABULARY.slug,
        title: DEMO_VOCABULARY.title,
        description: DEMO_VOCABULARY.description,
        default_language: DEMO_VOCABULARY.defaultLanguage,
        languages: [...DEMO_VOCABULARY.languages],
        license: DEMO_VOCABULARY.license,
        visibility: 'public',
        contribution: 'signed_in',
        pref_label_uniqueness: 'domain',
        approvals_required: 1,
        self_approval: false,
      },
    ],
    terms: terms.filter((term) => term !== undefined),
    relations,
  };
}

interface Owner {
  id: string;
  email: string;
  description: string;
}

/** The first administrator; failing that, a password-less demo account that nobody can sign in as. */
async function demoOwner(tx: Db): Promise<Owner> {
  const [admin] = await tx
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.role, 'admin'))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(1);
  if (admin) return { ...admin, description: 'the first administrator' };
  const demo = await authRepository.findUserByEmail(tx, DEMO_ACCOUNT_EMAIL);
  if (demo) return { id: demo.id, email: demo.email, description: 'the demo account' };
  const created = await authRepository.insertUser(tx, {
    email: DEMO_ACCOUNT_EMAIL,
    passwordHash: null,
    fullName: 'Lexikon demo content',
    role: 'user',
  });
  return { id: created.id, email: created.email, description: 'a new demo account' };
}

export const seedDemoCommand: CommandSpec = {
  name: 'seed-demo',
  summary: 'Load the bilingual (French / English) AI demo ontology; running it again adds nothing',
  options,
  run: seedDemo,
  help: `Usage: lexikon seed-demo

Loads the demo ontology into its own public vocabulary, "ai-demo": concepts of artificial intelligence,
each with a French and an English label and definition (with their source), synonyms and abbreviations
as alternative labels, and is_a, part_of, related_to, opposes, causes, precedes and influenced_by
relations. Concepts are created as drafts and checked by the definition-quality rules at once; with an
LLM configured, its review is queued. (Earlier versions of this command loaded French and English as
separate terms of the default vocabulary; those terms stay where they are.)

Idempotent: a concept already present in "ai-demo" (same domain and French label, ignoring case and
accents) is kept as it is, and so is a relation that already exists. Everything is written in one
transaction.

The concepts, and the vocabulary, belong to the first administrator, or, if there is none, to the
account ${DEMO_ACCOUNT_EMAIL} (created without a password, so nobody can sign in with it).
`,
};
