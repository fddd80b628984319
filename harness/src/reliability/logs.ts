/**
 * "The logs contain no password, token or cookie value": a file that starts server processes hands each
 * one here with the secrets it used (passwords, access and refresh tokens, cookies), and ends with a test
 * that scans every line they printed. The logs are also kept under test-results/reliability/logs/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reliabilityDir } from './records.ts';

interface Source {
  name: string;
  output(): string;
}

export class LogWatch {
  readonly #sources: Source[] = [];
  readonly #secrets = new Map<string, string>();

  /** A process (or anything with an output) whose log must stay clean. */
  watch(name: string, source: { output(): string }): void {
    this.#sources.push({ name, output: () => source.output() });
  }

  /** Values that must appear in no log; `kind` says what they are in the report (never the value). */
  secret(kind: string, ...values: (string | undefined | null)[]): void {
    for (const value of values) if (value && value.length >= 8) this.#secrets.set(value, kind);
  }

  /** Scans every watched output; returns what leaked where (kinds only) and what was scanned. */
  scan(fileStem: string): {
    leaks: string[];
    processes: number;
    bytes: number;
    lines: number;
    secrets: number;
  } {
    const leaks: string[] = [];
    let bytes = 0;
    let lines = 0;
    const logDir = join(reliabilityDir, 'logs');
    mkdirSync(logDir, { recursive: true });
    this.#sources.forEach((source, index) => {
      const text = source.output();
      bytes += Buffer.byteLength(text);
      lines += text.split('\n').filter(Boolean).length;
      writeFileSync(join(logDir, `${fileStem}.${index}-${source.name}.log`), text);
      for (const [value, kind] of this.#secrets)
        if (text.includes(value)) leaks.push(`${kind} in the log of ${source.name}`);
    });
    return { leaks, processes: this.#sources.length, bytes, lines, secrets: this.#secrets.size };
  }
}

/**
 * The closing test of a file that started servers: nothing secret in any of their logs. Recorded for
 * docs/reliability.md under one row, whatever the file.
 */
export async function expectLogsFreeOfSecrets(watch: LogWatch, fileStem: string): Promise<void> {
  const { expect } = await import('vitest');
  const { trackReliability } = await import('./records.ts');
  const record = await trackReliability({
    id: `control-log-secrets--${fileStem}`,
    kind: 'control',
    title: 'No password, token or cookie value in the server logs',
    injected: 'Sign-ins, refreshes and authenticated requests against real server processes logging at info',
    expected: 'None of the passwords, access or refresh tokens or cookie values used appears in any log',
  });
  const result = watch.scan(fileStem);
  record.set('processes', result.processes);
  record.set('log lines', result.lines);
  record.set('secrets checked', result.secrets);
  record.set('leaks', result.leaks.length);
  record.observe(
    result.leaks.length === 0
      ? `${result.lines} log lines of ${result.processes} processes hold none of ${result.secrets} secrets`
      : `leaked: ${result.leaks.join('; ')}`,
  );
  expect(result.processes).toBeGreaterThan(0);
  expect(result.secrets).toBeGreaterThan(0);
  expect(result.leaks).toEqual([]);
}
