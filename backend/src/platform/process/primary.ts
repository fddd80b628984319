import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { ClusterMetrics, type MetricsPeer } from './cluster-metrics.ts';
import { isWorkerMessage, type PrimaryToWorker, type WorkerToPrimary } from './messages.ts';
import { RestartGuard } from './restart-guard.ts';

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** Variables every worker gets on top of the primary's environment. */
  workerEnv: Record<string, string>;
  /** How long one worker may take to drain (its own close-with-grace delay). */
  drainGraceMs: number;
  /** Shown when every worker serves, e.g. "http://127.0.0.1:8000". */
  describeAddress(address: string): string;
}

// Beyond its own grace period a worker exits by itself; this margin covers that exit and the database close.
const DEADLINE_MARGIN_MS = 5000;
// Five crashes in a minute is not bad luck: stop, and let the supervisor above (Compose, systemd) decide.
const RESTART_LIMIT = { maxRestarts: 5, windowMs: 60_000 };

/**
 * The cluster primary: forks `workers` API processes that share the listening port (node:cluster hands
 * connections out round-robin), replaces a worker that dies, refuses to fork in a loop, and on SIGTERM or
 * SIGINT asks each worker to drain (each closes with grace: in-flight requests complete) and exits once
 * all have exited: 0 if they all drained cleanly, 1 otherwise or past the deadline. It serves nothing
 * itself; it also sums every worker's metrics for whichever worker is asked for `/metrics`.
 */
export function runPrimary(options: PrimaryOptions): void {
  const { logger } = options;
  const alive = new Map<number, Worker>();
  const serving = new Set<number>();
  const metrics = new ClusterMetrics();
  const guard = new RestartGuard(RESTART_LIMIT);
  let started = false;
  let stopping = false;
  let exitCode = 0;

  const send = (worker: Worker, message: PrimaryToWorker): void => {
    if (worker.isConnected()) worker.send(message);
  };
  const peers = (): MetricsPeer[] =>
    [...serving].flatMap((id) => {
      const worker = alive.get(id);
      return worker ? [{ id, send: (message: PrimaryToWorker) => send(worker, message) }] : [];
    });

  const fork = (): void => {
    const worker = cluster.fork(options.workerEnv);
    alive.set(worker.id, worker);
    logger.debug({ worker: worker.id, pid: worker.process.pid }, 'API worker forked');
  };

  const stop = (code: number): void => {
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    if (alive.size === 0) process.exit(exitCode);
    for (const worker of alive.values()) {
      try {
        send(worker, { type: 'lexikon:drain' });
      } catch {
        worker.process.kill('SIGTERM'); // its channel is closing; the signal reaches its own grace handler
      }
    }
    const deadline = options.drainGraceMs + DEADLINE_MARGIN_MS;
    setTimeout(() => {
      logger.error(
        { workers: [...alive.keys()], deadlineMs: deadline },
        'workers did not drain in time; killing them',
      );
      for (const worker of alive.values()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, deadline).unref();
  };

  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isWorkerMessage(message)) return;
    handle(worker, message);
  });

  function handle(worker: Worker, message: WorkerToPrimary): void {
    switch (message.type) {
      case 'lexikon:ready':
        serving.add(worker.id);
        logger.debug({ worker: worker.id, pid: worker.process.pid }, 'API worker serving');
        if (!started && serving.size === options.workers) {
          started = true;
          logger.info(
            `Lexikon API on ${options.describeAddress(message.address)} with ${options.workers} processes`,
          );
        }
        return;
      case 'lexikon:metrics-request':
        metrics.collect(peers()).then(
          (text) => send(worker, { type: 'lexikon:metrics', requestId: message.requestId, text }),
          (error: unknown) =>
            send(worker, { type: 'lexikon:metrics', requestId: message.requestId, error: String(error) }),
        );
        return;
      case 'lexikon:metrics-snapshot':
        metrics.receive(worker.id, message.requestId, message.snapshot);
        return;
    }
  }

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    alive.delete(worker.id);
    serving.delete(worker.id);
    metrics.retire(worker.id);
    const how = { worker: worker.id, pid: worker.process.pid, code, signal };
    if (stopping) {
      if (code !== 0) {
        logger.error(how, 'API worker did not drain cleanly');
        exitCode = 1;
      }
      if (alive.size === 0) {
        logger.info({ exitCode }, 'all API workers have exited');
        process.exit(exitCode);
      }
      return;
    }
    if (!started) {
      // A worker that never served failed at start-up (database down, port taken): forking again would fail
      // the same way, so stop now with the worker's own error above in the log.
      logger.fatal(how, 'an API worker failed to start; stopping');
      return stop(1);
    }
    if (!guard.tryRestart(Date.now())) {
      logger.fatal(
        { ...how, restarts: guard.recent, windowMs: RESTART_LIMIT.windowMs },
        'API workers keep dying; not replacing this one, stopping',
      );
      return stop(1);
    }
    logger.error(how, 'API worker exited unexpectedly; starting a replacement');
    fork();
  });

  let signals = 0;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (++signals > 1) {
        logger.error({ signal }, 'second signal: killing the workers now');
        for (const worker of alive.values()) worker.process.kill('SIGKILL');
        process.exit(1);
      }
      logger.info({ signal, workers: alive.size }, 'shutting down: draining the API workers');
      stop(0);
    });
  }

  for (let index = 0; index < options.workers; index++) fork();
}
