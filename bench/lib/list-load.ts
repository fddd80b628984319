import autocannon, { type Result } from 'autocannon';
import { sortSamples, summarize, type Summary } from './stats.ts';

export interface ListLoadOptions {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  log: (line: string) => void;
}

export interface ListLoadResult {
  /** autocannon's mean of the per-second request counts. */
  requestsPerSecond: number;
  latency: Summary;
  sorted: Float64Array;
  /** autocannon's own histogram (whole milliseconds), kept as a cross-check of `latency`. */
  autocannonLatency: { p50: number; p99: number; max: number };
  totalRequests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/** A warm-up (JIT, connection pool, PostgreSQL caches), then the measured run. */
export async function runListLoad(options: ListLoadOptions): Promise<ListLoadResult> {
  const base = { url: options.url, headers: options.headers, connections: options.connections };
  options.log(`list: warm-up ${options.warmupSeconds} s at ${options.connections} connections`);
  await autocannon({ ...base, duration: options.warmupSeconds });

  options.log(`list: measuring ${options.durationSeconds} s at ${options.connections} connections`);
  // Every response's own time, in fractional milliseconds: autocannon's histogram keeps whole ones.
  const samples: number[] = [];
  const run = autocannon({ ...base, duration: options.durationSeconds });
  run.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    samples.push(responseTime);
  });
  const ticker = setInterval(
    () => options.log(`list: ${samples.length.toLocaleString('en')} responses so far`),
    5000,
  );
  let result: Result;
  try {
    result = await run;
  } finally {
    clearInterval(ticker);
  }
  const sorted = sortSamples(samples);
  return {
    requestsPerSecond: result.requests.mean,
    latency: summarize(sorted),
    sorted,
    autocannonLatency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    totalRequests: samples.length,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
    ),
  };
}
