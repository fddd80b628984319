import type { Logger } from 'pino';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/database/client.ts';
import { QueueWorker, type JobOutcome, type JobQueue, type LeasedJob } from '../platform/queue/worker.ts';
import { canonicalJson } from '../platform/canonical-json.ts';
import { webhooksRepository as deliveries, type ClaimedDelivery } from './repository.ts';
import { signatureHeader } from './signature.ts';

export interface WebhookWorkerOptions {
  pollMs: number;
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  backoffMaxMs: number;
}

interface DeliveryJob extends LeasedJob {
  delivery: ClaimedDelivery;
}

/** The body a receiver gets: the event, canonical JSON, the bytes the signature covers. */
export function deliveryBody(
  delivery: Pick<ClaimedDelivery, 'eventId' | 'event' | 'createdAt' | 'payload'>,
): string {
  return canonicalJson({
    id: delivery.eventId,
    type: delivery.event,
    created_at: delivery.createdAt.toISOString(),
    data: delivery.payload,
  });
}

function deliveryQueue(db: Db, maxAttempts: number): JobQueue<DeliveryJob> {
  let workerId = '';
  return {
    async claim(options) {
      workerId = options.workerId;
      return (await deliveries.claim(db, options)).map((delivery) => ({
        delivery,
        attempts: delivery.attempts,
        maxAttempts,
      }));
    },
    complete: (jobs, _state, options) =>
      deliveries.delivered(
        options.db ?? db,
        jobs.map((job) => job.delivery.id),
        workerId,
        options.now,
      ),
    release: (jobs) =>
      deliveries.release(
        db,
        jobs.map((job) => job.delivery.id),
      ),
    retryLater: (job, runAfter) => deliveries.retryLater(db, job.delivery.id, runAfter),
    fail: (job, now) => deliveries.fail(db, job.delivery.id, now),
  };
}

/**
 * Delivers webhook events on the shared queue worker: POSTs each, signed, with a timeout; a 2xx answer
 * delivers it, anything else (an error status, a refused connection, a timeout, a redirect) is retried
 * with exponential backoff (honouring Retry-After) until the last attempt. Every attempt is logged with
 * its status or error and duration, for the delivery log.
 */
export class WebhookWorker {
  readonly #worker: QueueWorker<DeliveryJob>;
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #options: WebhookWorkerOptions;

  constructor(deps: { db: Db; clock: Clock; logger: Logger; options: WebhookWorkerOptions }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#options = deps.options;
    this.#worker = new QueueWorker({
      noun: 'webhook delivery',
      queue: deliveryQueue(deps.db, deps.options.maxAttempts),
      handle: (jobs, context) =>
        Promise.all(
          jobs.map(async (job) => {
            const outcome = await this.#deliver(job.delivery, context.signal);
            if (outcome.kind === 'done') await context.complete([job], 'done');
            return outcome;
          }),
        ),
      clock: deps.clock,
      logger: deps.logger,
      describe: (job) => ({ delivery: job.delivery.id, url: job.delivery.url, event: job.delivery.event }),
      options: {
        pollMs: deps.options.pollMs,
        batchSize: 8,
        leaseMs: deps.options.timeoutMs * 2 + 5000,
        backoffMs: deps.options.backoffMs,
        backoffMaxMs: deps.options.backoffMaxMs,
      },
    });
  }

  start(): void {
    this.#worker.start();
  }

  stop(): Promise<void> {
    return this.#worker.stop();
  }

  /** One batch of due deliveries (tests, and the worker's loop). */
  runOnce() {
    return this.#worker.runOnce();
  }

  async #deliver(delivery: ClaimedDelivery, stopping: AbortSignal): Promise<JobOutcome> {
    const body = deliveryBody(delivery);
    const started = performance.now();
    const now = this.#clock.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    let retryAfterMs: number | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.any([stopping, AbortSignal.timeout(this.#options.timeoutMs)]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Lexikon-Webhooks/1',
          'lexikon-event': delivery.event,
          'lexikon-event-id': delivery.eventId,
          'lexikon-delivery': String(delivery.id),
          'lexikon-signature': signatureHeader(delivery.secret, body, Math.floor(now.getTime() / 1000)),
        },
      });
      statusCode = response.status;
      await response.body?.cancel().catch(() => {});
      if (response.status < 200 || response.status >= 300) {
        error = `HTTP ${response.status}`;
        const retryAfter = Number(response.headers.get('retry-after'));
        if (Number.isFinite(retryAfter) && retryAfter > 0)
          retryAfterMs = Math.min(retryAfter * 1000, 86_400_000);
      }
    } catch (cause) {
      if (stopping.aborted) return { kind: 'released' };
      const reason = cause instanceof Error ? cause : new Error(String(cause));
      error =
        reason.name === 'TimeoutError'
          ? `no answer within ${this.#options.timeoutMs} ms`
          : ((reason.cause as Error | undefined)?.message ?? reason.message);
    }
    await deliveries.recordAttempt(this.#db, {
      deliveryId: delivery.id,
      attempt: delivery.attempts,
      statusCode,
      error,
      durationMs: Math.round(performance.now() - started),
    });
    return error === null ? { kind: 'done' } : { kind: 'retry', error, retryAfterMs };
  }
}
