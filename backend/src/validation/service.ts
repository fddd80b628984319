import type { AuditRecorder } from '../audit/recorder.ts';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AuthUser } from '../auth/tokens.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/database/client.ts';
import { classifyDatabaseError } from '../platform/database/errors.ts';
import { errors } from '../platform/errors.ts';
import type { TermReader, TermRow } from '../terms/reader.ts';
import type { VocabularyReader } from '../vocabularies/reader.ts';
import type { Actor } from '../auth/policy.ts';
import { assertReadable, policy } from '../auth/policy.ts';
import type { TermValidationHooks } from '../terms/service.ts';
import type { ClaimedJob, JobRow, JobsRepository, NewJob } from './jobs/repository.ts';
import type { JobContext, JobOutcome } from '../platform/queue/worker.ts';
import { contentHash } from './content-hash.ts';
import type { LlmValidator } from './llm/llm-validator.ts';
import { PROMPT_VERSION } from './llm/prompt.ts';
import type { SubjectTerm, ValidationSubject, Validator, ValidatorOutcome, ValidatorRun } from './ports.ts';
import {
  type FindingRow,
  type FindingWithOverride,
  type NewValidationRow,
  type ValidationKeyset,
  type ValidationRepository,
  type ValidationRow,
} from './repository.ts';
import type {
  Finding,
  ListValidationsQuery,
  OverrideFindingsBody,
  Revalidation,
  RevalidationBody,
  ValidationJob,
  ValidationPage,
  ValidationRecord,
  ValidationServiceStatus,
} from './schemas.ts';

const REVALIDATION_PAGE = 1000;

export interface ValidationServiceOptions {
  /** Budget of the LLM pass of "validate now" (the request waits for it). */
  syncTimeoutMs: number;
  jobMaxAttempts: number;
}

interface RunResult {
  rules: ValidatorOutcome;
  llm: ValidatorOutcome | null;
  latencyMs: number;
}

/**
 * Definition quality: runs the validators on a term in its context and keeps a record of each run. The
 * rules always run; the LLM runs when configured, and its failures become part of the record instead of
 * failing the request. Term writes only queue a job (same transaction): nothing about the LLM can slow
 * down or break creating or editing a term.
 */
export class ValidationService implements TermValidationHooks {
  readonly #db: Db;
  readonly #audit: AuditRecorder;
  readonly #repository: ValidationRepository;
  readonly #jobs: JobsRepository;
  readonly #rules: Validator;
  readonly #llm: LlmValidator | null;
  readonly #terms: TermReader;
  readonly #vocabularies: VocabularyReader;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #options: ValidationServiceOptions;

  constructor(deps: {
    db: Db;
    repository: ValidationRepository;
    jobs: JobsRepository;
    terms: TermReader;
    vocabularies: VocabularyReader;
    rules: Validator;
    llm: LlmValidator | null;
    clock: Clock;
    logger: Logger;
    options: ValidationServiceOptions;
    audit: AuditRecorder;
  }) {
    this.#audit = deps.audit;
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#jobs = deps.jobs;
    this.#terms = deps.terms;
    this.#vocabularies = deps.vocabularies;
    this.#rules = deps.rules;
    this.#llm = deps.llm;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#options = deps.options;
  }

  // ---- hooks called by TermsService inside its transactions ----------------------------------------

  /**
   * The term's text is new or changed: validate it, and the terms whose findings name it (a duplicate
   * may no longer be one).
   */
  async contentChanged(tx: Db, term: TermRow): Promise<void> {
    await this.#enqueue(tx, [term], 0);
    await this.#requeueTermsNaming(tx, term.id);
  }

  /** A term is being deleted: the findings of others that name it are about to go stale. */
  async termDeleted(tx: Db, termId: string): Promise<void> {
    await this.#requeueTermsNaming(tx, termId);
  }

  /**
   * Relations were added or removed: the rules look at a term's relations (a synonym that is also an
   * opposite), so both ends are validated again.
   */
  async relationsChanged(tx: Db, termIds: readonly string[]): Promise<void> {
    await this.#enqueue(tx, await this.#repository.subjects(tx, [...new Set(termIds)]), 0);
  }

  /** Queues validations of terms as bulk work (imports, "validate all"), behind anything people wait for. */
  async queueBulk(tx: Db, termIds: readonly string[]): Promise<number> {
    let queued = 0;
    for (let start = 0; start < termIds.length; start += REVALIDATION_PAGE) {
      const subjects = await this.#repository.subjects(tx, termIds.slice(start, start + REVALIDATION_PAGE));
      queued += await this.#jobs.enqueueMany(
        tx,
        subjects.map((term) => this.#job(term, 1)),
      );
    }
    return queued;
  }

  /**
   * Runs the rules on terms just loaded (seed-demo) and records the result at once, so their quality
   * panel is filled from the start; the LLM's opinion, when one is configured, comes later through the
   * queue. Returns the number of terms validated.
   */
  async validateLoaded(termIds: readonly string[], onEach?: () => void): Promise<number> {
    let validated = 0;
    for (const id of termIds) {
      const [term] = await this.#repository.subjects(this.#db, [id]);
      if (!term) continue;
      const subject = await this.#subject(term);
      const started = performance.now();
      const rules = await this.#rules.validate(subject, { endpoint: 'validate_term_job' });
      const result: RunResult = { rules, llm: null, latencyMs: Math.round(performance.now() - started) };
      await this.#db.transaction((tx) =>
        this.#repository.insert(tx, this.#row(subject, result, 'import', null), rules.findings),
      );
      validated++;
      onEach?.();
    }
    return validated;
  }

  get llmConfigured(): boolean {
    return this.#llm !== null;
  }

  #job(term: Pick<TermRow, 'id' | 'term' | 'definition' | 'domain' | 'version'>, priority: 0 | 1): NewJob {
    return {
      termId: term.id,
      termVersion: term.version,
      contentHash: contentHash(term),
      maxAttempts: this.#options.jobMaxAttempts,
      runAfter: this.#clock.now(),
      priority,
    };
  }

  async #enqueue(
    tx: Db,
    terms: readonly Pick<TermRow, 'id' | 'term' | 'definition' | 'domain' | 'version'>[],
    priority: 0 | 1,
  ): Promise<void> {
    for (const term of terms) await this.#jobs.enqueue(tx, this.#job(term, priority));
  }

  async #requeueTermsNaming(tx: Db, termId: string): Promise<void> {
    const naming = await this.#repository.termsWithFindingsAbout(tx, termId);
    if (naming.length > 0) await this.#enqueue(tx, await this.#repository.subjects(tx, naming), 1);
  }

  async beforeValidated(
    tx: Db,
    term: Pick<TermRow, 'id' | 'term' | 'definition' | 'domain' | 'version'>,
    user: AuthUser,
    override: OverrideFindingsBody | undefined,
  ): Promise<void> {
    const open = await this.#repository.openFindings(tx, term.id, contentHash(term));
    if (open.length === 0) return;
    if (!override) throw errors.openFindings(open.map((row) => toFinding({ ...row, override: null })));
    await this.#repository.insertOverride(tx, {
      termId: term.id,
      termVersion: term.version,
      reason: override.reason,
      overriddenBy: user.id,
      findingIds: open.map((row) => row.id),
    });
  }

  // ---- API -------------------------------------------------------------------------------------------

  /** "Validate now": the rules, then the LLM (if configured) within the synchronous budget. */
  async validateNow(termId: string, user: AuthUser): Promise<ValidationRecord> {
    const term = await this.#terms.findById(this.#db, termId);
    const permissions =
      term && (await this.#vocabularies.byId(this.#db, term.vocabularyId, user))!.permissions;
    if (!term || !permissions?.read) throw errors.notFound('No term with this id.');
    if (!policy.mayChangeTerm(user, permissions, term) && !permissions.review)
      throw errors.forbidden(
        'Only the creator of a term, an editor or a reviewer of its vocabulary may validate it.',
      );
    const subject = await this.#subject(term);
    const result = await this.#run(subject, {
      endpoint: 'validate_term',
      deadline: Date.now() + this.#options.syncTimeoutMs,
    });
    let id: string;
    try {
      id = await this.#db.transaction((tx) =>
        this.#repository.insert(tx, this.#row(subject, result, 'manual', user.id), findingsOf(result)),
      );
    } catch (error) {
      // Deleted while the LLM was thinking.
      if (classifyDatabaseError(error)?.kind === 'foreign-key-violation')
        throw errors.notFound('No term with this id.');
      throw error;
    }
    const row = (await this.#repository.findById(this.#db, id))!;
    return toRecord(row, await this.#repository.findingsOf(this.#db, [id]), contentHash(term));
  }

  async list(termId: string, query: ListValidationsQuery, actor: Actor | null): Promise<ValidationPage> {
    const term = await this.#terms.findById(this.#db, termId);
    if (!term) throw errors.notFound('No term with this id.');
    assertReadable(await this.#vocabularies.byId(this.#db, term.vocabularyId, actor));
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const { rows, keys } = await this.#repository.list(this.#db, termId, query.limit, after);
    const page = rows.slice(0, query.limit);
    const findings = await this.#repository.findingsOf(
      this.#db,
      page.map((row) => row.id),
    );
    const hash = contentHash(term);
    const last = keys[page.length - 1];
    const pending = await this.#jobs.pendingForTerm(this.#db, termId);
    return {
      items: page.map((row) =>
        toRecord(
          row,
          findings.filter((finding) => finding.validationId === row.id),
          hash,
        ),
      ),
      next_cursor: rows.length > query.limit && last ? encodeCursor(last) : null,
      limit: query.limit,
      pending_job: pending ? toJob(pending) : null,
    };
  }

  /**
   * "Validate all" / "validate what changed": queues every term (or those never validated or edited since
   * their latest validation) as bulk work, page by page, so a hundred thousand terms never sit in one
   * transaction; anything a person waits for is still claimed first. Reviewers only.
   */
  async revalidate(scope: RevalidationBody['scope'], reviewer: AuthUser): Promise<Revalidation> {
    let considered = 0;
    let queued = 0;
    let after: string | null = null;
    for (;;) {
      const page = await this.#repository.termsWithLatestHash(this.#db, after, REVALIDATION_PAGE);
      if (page.length === 0) break;
      considered += page.length;
      after = page.at(-1)!.id;
      const due = scope === 'all' ? page : page.filter((term) => term.latest_hash !== contentHash(term));
      queued += await this.#jobs.enqueueMany(
        this.#db,
        due.map((term) => this.#job(term, 1)),
      );
    }
    this.#logger.info({ scope, considered, queued }, 'bulk validation queued');
    await this.#audit.record(this.#db, {
      action: 'admin.validation_run',
      actorId: reviewer.id,
      details: { scope, considered, queued },
    });
    return { scope, considered, queued };
  }

  async status(): Promise<ValidationServiceStatus> {
    return {
      rules: { enabled: true },
      llm: {
        enabled: this.#llm !== null,
        model: this.#llm?.model ?? null,
        prompt_version: PROMPT_VERSION,
        circuit: this.#llm?.breaker.state ?? 'closed',
      },
      queue: await this.#jobs.counts(this.#db),
    };
  }

  // ---- background jobs ---------------------------------------------------------------------------------

  /**
   * One queued validation. Skipped when the term's text changed since it was queued (the newer text has
   * its own job); rescheduled when the LLM failed in a way worth retrying; otherwise stored with the job's
   * completion in one transaction, so a record exists exactly when the job is finished.
   */
  readonly runJob = async (job: ClaimedJob, context: JobContext<ClaimedJob>): Promise<JobOutcome> => {
    const term = await this.#terms.findById(this.#db, job.termId);
    if (!term || contentHash(term) !== job.contentHash) {
      await context.complete([job], 'skipped', { error: 'the term changed or was deleted' });
      return { kind: 'skipped' };
    }
    const subject = await this.#subject(term);
    const result = await this.#run(subject, { endpoint: 'validate_term_job', signal: context.signal });
    const failure = result.llm?.failure ?? null;
    if (failure?.retryable && job.attempts < job.maxAttempts)
      return {
        kind: 'retry',
        error: `${failure.reason}: ${failure.message}`,
        retryAfterMs: failure.retryAfterMs,
      };

    return this.#db.transaction(async (tx) => {
      // Shares the row lock a term edit takes: either the edit waits for this record, or this sees the edit.
      const current = await this.#repository.lockTermShared(tx, job.termId);
      // Deleted meanwhile: its jobs went with it (cascade), there is nothing left to finish.
      if (!current) return { kind: 'skipped' } as const;
      if (contentHash(current) !== job.contentHash) {
        await finishOrAbort(context, tx, job, 'skipped', 'the term changed while it was being validated');
        return { kind: 'skipped' } as const;
      }
      const findings = findingsOf(result);
      await this.#repository.insert(
        tx,
        this.#row({ ...subject, term: current }, result, 'job', null),
        findings,
      );
      // A duplicate is mutual: the other term's findings should name this one too. Queued only when they
      // do not yet, so the two never keep re-queueing each other.
      const duplicates = findings
        .filter((finding) => finding.type === 'duplicate_definition')
        .flatMap((finding) => finding.relatedTermIds);
      const unaware = await this.#repository.termsNotYetMentioning(tx, [...new Set(duplicates)], job.termId);
      if (unaware.length > 0) await this.#enqueue(tx, await this.#repository.subjects(tx, unaware), 1);
      const status = failure?.retryable ? 'failed' : 'done';
      await finishOrAbort(context, tx, job, status, failure ? `${failure.reason}: ${failure.message}` : null);
      return { kind: status };
    });
  };

  // ---- shared ----------------------------------------------------------------------------------------

  async #subject(term: SubjectTerm): Promise<ValidationSubject> {
    const subjectTerm = {
      id: term.id,
      term: term.term,
      definition: term.definition,
      domain: term.domain,
      version: term.version,
    };
    const [neighbours, similar, concept] = await Promise.all([
      this.#repository.neighbours(this.#db, term.id),
      this.#repository.similarDefinitions(this.#db, subjectTerm),
      this.#repository.conceptContext(this.#db, term.id),
    ]);
    return { term: subjectTerm, neighbours, similar, ...(concept ? { concept } : {}) };
  }

  async #run(subject: ValidationSubject, run: ValidatorRun): Promise<RunResult> {
    const started = performance.now();
    const rules = await this.#rules.validate(subject, run);
    const llm = this.#llm ? await this.#llm.validate(subject, run) : null;
    if (llm?.failure)
      this.#logger.warn(
        { term: subject.term.id, reason: llm.failure.reason, endpoint: run.endpoint },
        `LLM validation failed: ${llm.failure.message}`,
      );
    return { rules, llm, latencyMs: Math.round(performance.now() - started) };
  }

  #row(
    subject: ValidationSubject,
    result: RunResult,
    trigger: 'manual' | 'job' | 'import',
    requestedBy: string | null,
  ): NewValidationRow {
    const { llm } = result;
    return {
      termId: subject.term.id,
      termVersion: subject.term.version,
      contentHash: contentHash(subject.term),
      trigger,
      requestedBy,
      validators: llm ? ['rules', 'llm'] : ['rules'],
      model: llm?.model ?? null,
      promptVersion: llm?.promptVersion ?? null,
      status: llm?.status ?? 'ok',
      errorReason: llm?.failure?.reason ?? null,
      error: llm?.failure?.message ?? null,
      rawOutput: llm?.rawOutput ?? null,
      latencyMs: result.latencyMs,
      llmLatencyMs: llm?.latencyMs ?? null,
      llmAttempts: llm?.attempts ?? 0,
      promptTokens: llm?.usage?.promptTokens ?? null,
      completionTokens: llm?.usage?.completionTokens ?? null,
    };
  }
}

function findingsOf(result: RunResult) {
  return [...result.rules.findings, ...(result.llm?.findings ?? [])];
}

function toFinding(row: FindingWithOverride | (FindingRow & { override: null })): Finding {
  return {
    id: row.id,
    source: row.source as Finding['source'],
    rule: row.rule,
    type: row.type,
    severity: row.severity,
    explanation: row.explanation,
    suggestion: row.suggestion,
    translations: row.translations ?? null,
    evidence: row.evidence,
    related_term_ids: row.relatedTermIds,
    override: row.override && {
      id: row.override.id,
      reason: row.override.reason,
      overridden_by: row.override.overriddenBy,
      term_version: row.override.termVersion,
      created_at: row.override.createdAt.toISOString(),
    },
  };
}

function toRecord(
  row: ValidationRow,
  findings: FindingWithOverride[],
  currentHash: string,
): ValidationRecord {
  return {
    id: row.id,
    term_id: row.termId,
    term_version: row.termVersion,
    current: row.contentHash === currentHash,
    trigger: row.trigger as ValidationRecord['trigger'],
    requested_by: row.requestedBy,
    validators: row.validators as ValidationRecord['validators'],
    model: row.model,
    prompt_version: row.promptVersion,
    status: row.status as ValidationRecord['status'],
    error_reason: row.errorReason as ValidationRecord['error_reason'],
    error: row.error,
    findings: findings.map(toFinding),
    latency_ms: row.latencyMs,
    llm_latency_ms: row.llmLatencyMs,
    llm_attempts: row.llmAttempts,
    usage:
      row.promptTokens === null && row.completionTokens === null
        ? null
        : {
            prompt_tokens: row.promptTokens ?? 0,
            completion_tokens: row.completionTokens ?? 0,
            total_tokens: (row.promptTokens ?? 0) + (row.completionTokens ?? 0),
          },
    created_at: row.createdAt.toISOString(),
  };
}

function toJob(row: JobRow): ValidationJob {
  return {
    id: row.id,
    term_version: row.termVersion,
    status: row.status as ValidationJob['status'],
    attempts: row.attempts,
    max_attempts: row.maxAttempts,
    run_after: row.runAfter.toISOString(),
    last_error: row.lastError,
  };
}

const cursorSchema = z.object({ k: z.string().max(40), id: z.uuid() });

function encodeCursor(keyset: ValidationKeyset): string {
  return Buffer.from(JSON.stringify({ k: keyset.key, id: keyset.id })).toString('base64url');
}

function decodeCursor(cursor: string): ValidationKeyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  const parsed = cursorSchema.safeParse(decoded);
  if (!parsed.success || Number.isNaN(Date.parse(parsed.data.k)))
    throw errors.validation(
      [{ path: 'query.cursor', message: 'This cursor is not valid; start again from the first page.' }],
      'The pagination cursor is not valid.',
    );
  return { key: parsed.data.k, id: parsed.data.id };
}

/** Finishes the job in the record's transaction; when another worker took it over, rolls the record back. */
async function finishOrAbort(
  context: JobContext<ClaimedJob>,
  tx: Db,
  job: ClaimedJob,
  status: 'done' | 'failed' | 'skipped',
  error: string | null,
): Promise<void> {
  if ((await context.complete([job], status, { db: tx, error })) === 0)
    throw new Error(`lost the lease on validation job ${job.id}`);
}
