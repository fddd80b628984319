/**
 * A progress bar for long CLI operations. On a terminal it redraws one line in place; anywhere else (CI
 * logs, `2> file`) it prints a plain line every 10 %, because carriage returns turn logs into noise.
 */

export interface ProgressStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  label: string;
  total: number;
  stream: ProgressStream;
  /** Milliseconds; injectable so tests get stable elapsed times. */
  now?: () => number;
}

const BAR_WIDTH = 30;
const MIN_BAR_WIDTH = 10;
// Redrawing faster than the eye can read only costs terminal bandwidth.
const REDRAW_INTERVAL_MS = 80;
const LOG_STEPS = 10;

export class Progress {
  readonly #label: string;
  readonly #total: number;
  readonly #stream: ProgressStream;
  readonly #now: () => number;
  readonly #tty: boolean;
  readonly #startedAt: number;
  #done = 0;
  #lastDrawAt = Number.NEGATIVE_INFINITY;
  #lastStep = 0;
  #finished = false;

  constructor(options: ProgressOptions) {
    this.#label = options.label;
    this.#total = Math.max(0, options.total);
    this.#stream = options.stream;
    this.#now = options.now ?? (() => performance.now());
    this.#tty = options.stream.isTTY === true;
    this.#startedAt = this.#now();
    if (this.#tty) this.#draw();
  }

  get done(): number {
    return this.#done;
  }

  advance(by = 1): void {
    this.update(this.#done + by);
  }

  update(done: number): void {
    if (this.#finished) return;
    this.#done = Math.min(Math.max(0, done), this.#total);
    if (this.#tty) {
      if (this.#now() - this.#lastDrawAt >= REDRAW_INTERVAL_MS) this.#draw();
      return;
    }
    const step = this.#total === 0 ? LOG_STEPS : Math.floor((this.#done / this.#total) * LOG_STEPS);
    if (step > this.#lastStep && step < LOG_STEPS) {
      this.#lastStep = step;
      this.#stream.write(`${this.line()}\n`);
    }
  }

  /** Draws the final state once (100 % if everything was done) and ends the line. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#tty) {
      this.#draw();
      this.#stream.write('\n');
    } else {
      this.#stream.write(`${this.line()}\n`);
    }
  }

  /** `label [#####.....] 1234/5000 25% 3.2s` */
  line(barWidth = this.#barWidth()): string {
    const fraction = this.#total === 0 ? 1 : this.#done / this.#total;
    const filled = Math.floor(fraction * barWidth);
    const bar = '#'.repeat(filled) + '.'.repeat(barWidth - filled);
    const percent = Math.floor(fraction * 100);
    const elapsed = formatDuration(this.#now() - this.#startedAt);
    return `${this.#label} [${bar}] ${this.#done}/${this.#total} ${percent}% ${elapsed}`;
  }

  #draw(): void {
    this.#lastDrawAt = this.#now();
    // \x1b[K clears what a longer previous line left behind.
    this.#stream.write(`\r${this.line()}\x1b[K`);
  }

  #barWidth(): number {
    const columns = this.#stream.columns;
    if (!this.#tty || !columns) return BAR_WIDTH;
    // Keep the line on one row, or the next redraw starts on a new one.
    const rest = this.#label.length + 2 * String(this.#total).length + 20;
    return Math.max(MIN_BAR_WIDTH, Math.min(BAR_WIDTH, columns - rest));
  }
}

export function formatDuration(milliseconds: number): string {
  const seconds = Math.max(0, milliseconds) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}
