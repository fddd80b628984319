/**
 * The import's checks that need no database — reading and validating a Lexikon export file, finding
 * cycles among the hierarchy edges — and the progress bar every long command draws. The planning against
 * existing terms and its writes are tested on PostgreSQL and PGlite in cli.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Progress, formatDuration } from '../../src/cli/progress.ts';
import {
  findCycles,
  formatPath,
  ImportRejected,
  parseExportDocument,
  problemLines,
} from '../../src/cli/transfer.ts';

const FULL_BAR = '#'.repeat(30);

class Capture extends Writable {
  text = '';
  isTTY = false;

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** The problems an import file is rejected with, or [] when it is accepted. */
function problemsOf(text: string) {
  try {
    parseExportDocument(text);
    return [];
  } catch (error) {
    if (error instanceof ImportRejected) return error.problems;
    throw error;
  }
}

const term = (name: string, extra: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  term: name,
  definition: `Definition of ${name}, long enough to read.`,
  ...extra,
});
const file = (body: Record<string, unknown>) =>
  JSON.stringify({ format: 'lexikon-export', version: 1, terms: [], ...body });

describe('reading an export file', () => {
  it('accepts a file with a byte-order mark, and fills in the defaults', () => {
    const first = term('Neurone');
    const document = parseExportDocument(`\uFEFF${file({ terms: [first] })}`);
    expect(document.terms[0]).toMatchObject({ id: first.id, term: 'Neurone', status: 'draft' });
    expect(document.relations).toEqual([]);
  });

  it('says what a file is when it is not JSON, not a Lexikon export, or another version', () => {
    expect(problemsOf('{"format": ')[0]).toMatchObject({ path: '(file)' });
    expect(problemsOf('{"terms": []}')).toEqual([
      { path: 'format', message: 'Expected "lexikon-export": this is not a Lexikon export file.' },
    ]);
    expect(problemsOf(JSON.stringify({ format: 'lexikon-export', version: 2, terms: [] }))).toEqual([
      { path: 'version', message: 'This lexikon reads format version 1; the file has version 2.' },
    ]);
  });

  it('collects every field problem with its path instead of stopping at the first', () => {
    const [a, b] = [term('A'), term('B')];
    const problems = problemsOf(
      file({
        terms: [a, { ...term('C'), level: 'guru' }, { ...term('D'), id: 'not-a-uuid' }],
        relations: [
          { source_id: a.id, target_id: a.id, type: 'is_a' },
          { source_id: a.id, target_id: b.id, type: 'likes' },
        ],
        extra: true,
      }),
    );
    expect(problems.map((problem) => problem.path).sort()).toEqual(
      ['(document)', 'relations[0].target_id', 'relations[1].type', 'terms[1].level', 'terms[2].id'].sort(),
    );
    expect(problems.find((problem) => problem.path === 'relations[0].target_id')?.message).toBe(
      'A term cannot be related to itself.',
    );
  });

  it('prints a readable head of a long list of problems, and all of them when asked', () => {
    const problems = Array.from({ length: 5 }, (_, index) => ({ path: `terms[${index}]`, message: 'bad' }));
    expect(problemLines(problems, 2)).toEqual([
      '  - terms[0]: bad',
      '  - terms[1]: bad',
      '  … and 3 more (--max-errors 0 shows them all)',
    ]);
    expect(problemLines(problems, 0)).toHaveLength(5);
    expect(formatPath(['terms', 3, 'definition'])).toBe('terms[3].definition');
    expect(formatPath([])).toBe('(document)');
  });
});

// ---- progress -------------------------------------------------------------------------------------

describe('progress bar', () => {
  it('prints one plain line per 10 % when the stream is not a terminal', () => {
    const stream = new Capture();
    let now = 0;
    const progress = new Progress({ label: 'work', total: 50, stream, now: () => now });
    for (let done = 1; done <= 50; done++) {
      now = done * 100;
      progress.update(done);
    }
    progress.finish();
    const lines = stream.text.trimEnd().split('\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe(`work [${'#'.repeat(3)}${'.'.repeat(27)}] 5/50 10% 0.5s`);
    expect(lines[9]).toBe(`work [${FULL_BAR}] 50/50 100% 5.0s`);
    expect(stream.text).not.toContain('\r');
  });

  it('redraws a single line on a terminal, throttled, and ends it when finished', () => {
    const stream = Object.assign(new Capture(), { isTTY: true, columns: 120 });
    let now = 0;
    const progress = new Progress({ label: 'import', total: 5000, stream, now: () => now });
    progress.update(1000); // same instant as the first draw: throttled away
    now = 3200;
    progress.update(1234);
    progress.finish();
    expect(stream.text).toBe(
      `\rimport [${'.'.repeat(30)}] 0/5000 0% 0.0s\x1b[K` +
        `\rimport [#######${'.'.repeat(23)}] 1234/5000 24% 3.2s\x1b[K` +
        `\rimport [#######${'.'.repeat(23)}] 1234/5000 24% 3.2s\x1b[K\n`,
    );
  });

  it('formats long durations in minutes', () => {
    expect(formatDuration(125_000)).toBe('2m05s');
    expect(formatDuration(999)).toBe('1.0s');
  });
});

describe('cycle search', () => {
  it('names each cycle through a new edge, and ignores cycles that already existed', () => {
    const cycles = findCycles([
      { from: 'a', to: 'b', index: 0 },
      { from: 'b', to: 'c', index: 1 },
      { from: 'c', to: 'a', index: null },
      { from: 'x', to: 'y', index: null },
      { from: 'y', to: 'x', index: null },
    ]);
    expect(cycles).toEqual([
      [
        { from: 'a', to: 'b', index: 0 },
        { from: 'b', to: 'c', index: 1 },
        { from: 'c', to: 'a', index: null },
      ],
    ]);
    expect(findCycles([{ from: 'a', to: 'b', index: 0 }])).toEqual([]);
  });
});
