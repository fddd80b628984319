/**
 * Decides whether a crashed API worker may be replaced. A worker that dies now and then (a bug on a rare
 * path, an out-of-memory kill) is replaced at once; one that dies again and again within a short window
 * (a broken deployment, an unreachable database) would only burn CPU in a fork loop, so past
 * `maxRestarts` within `windowMs` the guard says no and the primary gives up, leaving the decision to
 * the supervisor above it (systemd, Compose, Kubernetes), which sees a failed process.
 */
export class RestartGuard {
  readonly #maxRestarts: number;
  readonly #windowMs: number;
  readonly #restarts: number[] = [];

  constructor(options: { maxRestarts: number; windowMs: number }) {
    this.#maxRestarts = options.maxRestarts;
    this.#windowMs = options.windowMs;
  }

  /** Records a restart at `nowMs` and returns true, or returns false when the window is already full. */
  tryRestart(nowMs: number): boolean {
    while (this.#restarts.length > 0 && this.#restarts[0]! <= nowMs - this.#windowMs) this.#restarts.shift();
    if (this.#restarts.length >= this.#maxRestarts) return false;
    this.#restarts.push(nowMs);
    return true;
  }

  /** Restarts counted in the current window (for the log line that explains a refusal). */
  get recent(): number {
    return this.#restarts.length;
  }
}
