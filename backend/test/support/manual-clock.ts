import type { Clock } from '../../src/platform/clock.ts';

/** A clock that only moves when told: backoff and cool-downs are tested without sleeping. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = Date.now()) {
    this.#now = start;
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
