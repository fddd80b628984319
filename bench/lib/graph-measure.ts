import { elapsedMs, sortSamples, summarize, type Summary } from './stats.ts';

/** One thing to time: a single traversal, awaited to its last row. */
export interface Probe<Key extends string = string> {
  key: Key;
  run(): Promise<unknown>;
}

export interface ProbeMeasurement {
  latency: Summary;
  sorted: Float64Array;
  /** Sequential throughput: measured calls per second of this probe's own time. */
  perSecond: number;
}

export interface InterleavedOptions {
  warmupRounds: number;
  /** Warm-up ends after this many seconds even if fewer rounds were done (slow traversals warm fast). */
  warmupMaxSeconds: number;
  rounds: number;
  /** Stop measuring (not warming up) after this many seconds, even if fewer rounds were done. */
  maxSeconds: number;
  label: string;
  log: (line: string) => void;
}

export interface InterleavedResult<Key extends string> {
  measurements: Record<Key, ProbeMeasurement>;
  warmupRounds: number;
  rounds: number;
  /** True when maxSeconds ended the run before `rounds`. */
  cutShort: boolean;
}

/**
 * Runs every probe once per round, one at a time, and rotates which goes first every round: whatever
 * else the shared machine does lands on all of them alike, and no engine always runs right after the
 * other has warmed the CPU caches. A block of one then a block of the other would compare two moments
 * instead of two engines.
 */
export async function measureInterleaved<Key extends string>(
  probes: readonly Probe<Key>[],
  options: InterleavedOptions,
): Promise<InterleavedResult<Key>> {
  const samples = new Map<Key, number[]>(probes.map((probe) => [probe.key, []]));
  options.log(
    `${options.label}: warming up (${options.warmupRounds} rounds or ${options.warmupMaxSeconds} s, whichever ends first)`,
  );
  const warmupDeadline = performance.now() + options.warmupMaxSeconds * 1000;
  let warmedUp = 0;
  while (warmedUp < options.warmupRounds && performance.now() < warmupDeadline)
    await runRound(probes, warmedUp++);

  options.log(`${options.label}: measuring ${options.rounds} rounds of ${probes.length} traversals`);
  const deadline = performance.now() + options.maxSeconds * 1000;
  const started = performance.now();
  const every = Math.max(1, Math.round(options.rounds / 10));
  let done = 0;
  while (done < options.rounds && performance.now() < deadline) {
    const times = await runRound(probes, done);
    for (const [key, ms] of times) samples.get(key)!.push(ms);
    done++;
    if (done % every === 0 || done === options.rounds) {
      const seconds = (performance.now() - started) / 1000;
      const left = (seconds / done) * (options.rounds - done);
      options.log(
        `${options.label}: ${done}/${options.rounds} rounds, ${seconds.toFixed(0)} s` +
          (done < options.rounds ? `, ~${left.toFixed(0)} s left` : ''),
      );
    }
  }
  if (done < options.rounds)
    options.log(`${options.label}: time budget of ${options.maxSeconds} s reached after ${done} rounds`);

  const measurements = {} as Record<Key, ProbeMeasurement>;
  for (const [key, values] of samples) measurements[key] = measurementOf(values);
  return { measurements, warmupRounds: warmedUp, rounds: done, cutShort: done < options.rounds };
}

async function runRound<Key extends string>(
  probes: readonly Probe<Key>[],
  round: number,
): Promise<[Key, number][]> {
  const times: [Key, number][] = [];
  for (let offset = 0; offset < probes.length; offset++) {
    const probe = probes[(round + offset) % probes.length]!;
    const start = process.hrtime.bigint();
    await probe.run();
    times.push([probe.key, elapsedMs(start)]);
  }
  return times;
}

export function measurementOf(values: readonly number[]): ProbeMeasurement {
  const sorted = sortSamples(values);
  const latency = summarize(sorted);
  const perSecond = latency.count === 0 ? Number.NaN : 1000 / latency.mean;
  return { latency, sorted, perSecond };
}
