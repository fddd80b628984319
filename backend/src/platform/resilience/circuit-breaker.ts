import type { Clock } from '../clock.ts';

export type CircuitState = 'closed' | 'open' | 'half_open';

/**
 * Stops calling an LLM server that keeps failing. After `failureThreshold` consecutive failures the
 * circuit opens: calls are refused at once (no request, no timeout to wait for) until `cooldownMs` has
 * passed. Then one trial call is let through (half-open): success closes the circuit, failure opens it
 * for another cool-down. State is per process; each replica learns about an outage on its own, which
 * costs at most `failureThreshold` failed calls per replica.
 */
export class CircuitBreaker {
  readonly #clock: Clock;
  readonly #failureThreshold: number;
  readonly #cooldownMs: number;
  #failures = 0;
  #openedAt: number | null = null;
  #trialInFlight = false;

  constructor(options: { clock: Clock; failureThreshold: number; cooldownMs: number }) {
    this.#clock = options.clock;
    this.#failureThreshold = options.failureThreshold;
    this.#cooldownMs = options.cooldownMs;
  }

  get state(): CircuitState {
    if (this.#openedAt === null) return 'closed';
    return this.#now() - this.#openedAt >= this.#cooldownMs ? 'half_open' : 'open';
  }

  /** Milliseconds until a trial call will be allowed (0 when calls are allowed now). */
  get remainingCooldownMs(): number {
    if (this.#openedAt === null) return 0;
    return Math.max(0, this.#cooldownMs - (this.#now() - this.#openedAt));
  }

  /**
   * Asks to make one call. Returns false when the circuit refuses it; when it returns true the caller
   * must report the outcome with `success()` or `failure()` (or `release()` if the call never happened).
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#trialInFlight = false;
  }

  failure(): void {
    const wasTrial = this.#trialInFlight;
    this.#trialInFlight = false;
    this.#failures++;
    if (wasTrial || this.#failures >= this.#failureThreshold) this.#openedAt = this.#now();
  }

  /** The acquired call did not reach the server (aborted before sending): it says nothing about health. */
  release(): void {
    this.#trialInFlight = false;
  }

  #now(): number {
    return this.#clock.now().getTime();
  }
}
