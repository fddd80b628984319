import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPathOf } from '../../src/platform/database/data-dir-lock.ts';
import { startServerProcess, type ServerProcess } from '@lexikon/harness/server-process';

/**
 * The README's order of commands on the embedded default: `npm start`, then `lexikon seed-demo`,
 * `create-admin`, `import`, `export` while the server runs. PGlite cannot be opened by two processes
 * (each keeps its own buffers: writes were lost and the database corrupted), so the server locks its data
 * directory and the real CLI runs its commands inside the server, which sees them at once.
 */

const cliMain = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const password = 'Correct-Horse-9-Battery';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real executable, as `npm run lexikon -- …` runs it; `input` is piped to its standard input. */
function lexikon(env: Record<string, string>, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(input ?? '');
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

async function signIn(baseUrl: string, email: string): Promise<{ authorization: string }> {
  const tokens = await json<{ access_token: string }>(
    await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    }),
  );
  return { authorization: `Bearer ${tokens.access_token}` };
}

/** A document in `lexikon export`'s format: a chain of `count` terms, each is_a the previous one. */
function chainDocument(count: number): string {
  const ids = Array.from({ length: count }, () => randomUUID());
  return JSON.stringify({
    format: 'lexikon-export',
    version: 1,
    terms: ids.map((id, index) => ({
      id,
      term: `Imported term ${index}`,
      definition: `A generated concept number ${index}, used to check that imports reach the server.`,
      domain: 'Import check',
      level: 'beginner',
      status: 'draft',
    })),
    relations: ids.slice(1).map((id, index) => ({
      source_id: id,
      target_id: ids[index]!,
      type: 'is_a',
      strength: null,
    })),
  });
}

describe('the CLI beside a running server on the embedded database', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lexikon-owned-'));
    env = { LEXIKON_DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'info' };
    server = await startServerProcess(env);
  });
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs seed-demo, create-admin, import and export inside the server, which sees every write at once', async () => {
    const { baseUrl } = server!;
    const register = await fetch(`${baseUrl}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.org', password }),
    });
    expect(register.status).toBe(201);

    const seeded = await lexikon(env, ['seed-demo']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stderr).toMatch(/Running in the Lexikon server that has the database open \(PID \d+/);
    expect(seeded.stdout).toContain('terms: 45 created');
    // No restart: the server answers with what the command wrote.
    expect((await json<{ terms: number }>(await fetch(`${baseUrl}/api/stats`))).terms).toBe(45);
    const user = await signIn(baseUrl, 'ada@example.org');
    const graph = await fetch(
      `${baseUrl}/api/graph/related?term=${encodeURIComponent('Intelligence Artificielle')}&depth=1`,
      { headers: user },
    );
    expect(graph.status).toBe(200);

    const promoted = await lexikon(env, ['create-admin', '--email', 'ada@example.org']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain('Promoted ada@example.org');
    const me = await json<{ role: string }>(
      await fetch(`${baseUrl}/api/auth/me`, { headers: await signIn(baseUrl, 'ada@example.org') }),
    );
    expect(me.role).toBe('admin');

    // A new account's password comes from the caller's environment, across the channel.
    const created = await lexikon({ ...env, LEXIKON_ADMIN_PASSWORD: password }, [
      'create-admin',
      '--email',
      'grace@example.org',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect((await signIn(baseUrl, 'grace@example.org')).authorization).toMatch(/^Bearer /);

    // A bigger write, from a file (a relative path, resolved in the caller's directory) and from stdin.
    const file = join(dataDir, 'chain.json');
    await writeFile(file, chainDocument(2000));
    const imported = await lexikon({ ...env, INIT_CWD: dataDir }, ['import', '--file', 'chain.json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('terms: 2000 created');
    const piped = await lexikon(
      env,
      ['import', '--file', '-'],
      chainDocument(10).replaceAll('Imported', 'Piped'),
    );
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout).toContain('terms: 10 created');
    const stats = await json<{ terms: number; relations: number }>(await fetch(`${baseUrl}/api/stats`));
    expect(stats.terms).toBe(45 + 2000 + 10);

    const out = join(dataDir, 'export.json');
    const exported = await lexikon(env, ['export', '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    const document = JSON.parse(await readFile(out, 'utf8')) as { terms: unknown[]; relations: unknown[] };
    expect(document.terms).toHaveLength(stats.terms);
    expect(document.relations).toHaveLength(stats.relations);
    // Standard output carries the document unchanged through the channel.
    const streamed = await lexikon(env, ['export']);
    expect(streamed.code, streamed.stderr).toBe(0);
    expect((JSON.parse(streamed.stdout) as { terms: unknown[] }).terms).toHaveLength(stats.terms);

    // Several commands at once share the server's one connection, one after the other.
    const together = await Promise.all([lexikon(env, ['stats']), lexikon(env, ['stats', '--json'])]);
    for (const run of together) expect(run.code, run.stderr).toBe(0);
  });

  it('turns a second server away, naming the one that owns the directory', async () => {
    const second = await startServerProcess(env).catch((error: Error) => error);
    expect(second).toBeInstanceOf(Error);
    const message = (second as Error).message;
    expect(message).toContain('server exited with 75');
    expect(message).toContain(`is in use by a Lexikon server (PID ${server!.child.pid}, ${server!.baseUrl})`);
  });

  it('refuses a command channel client without the token from the lock file', async () => {
    const lock = JSON.parse(readFileSync(lockPathOf(join(dataDir, 'pglite')), 'utf8')) as {
      channel: { socket: string };
    };
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(lock.channel.socket, () =>
        socket.write(`${JSON.stringify({ t: 'run', token: 'forged', argv: ['stats'] })}\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.once('close', () => resolve(text));
      socket.once('error', reject);
    });
    expect(JSON.parse(answer.trim())).toEqual({
      t: 'refused',
      reason: 'the command channel token is not valid',
    });
  });

  it('keeps every write after the server stops, and releases the directory', async () => {
    server!.child.kill('SIGTERM');
    expect(await server!.exited).toBe(0);
    expect(existsSync(lockPathOf(join(dataDir, 'pglite')))).toBe(false);
    const stats = await lexikon(env, ['stats', '--json']);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stderr).not.toContain('Running in the Lexikon server');
    expect(JSON.parse(stats.stdout)).toMatchObject({ terms: 45 + 2000 + 10, users: 3, admins: 2 });
  });

  it('turns the server away while a CLI command holds the directory, and takes over a dead owner’s lock', async () => {
    // `import --file -` holds the directory while it waits for its input.
    const child = spawn(process.execPath, [cliMain, 'import', '--file', '-'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const lockFile = lockPathOf(join(dataDir, 'pglite'));
    while (!existsSync(lockFile)) await new Promise((resolve) => setTimeout(resolve, 50));
    const refused = await startServerProcess(env).catch((error: Error) => error);
    expect((refused as Error).message).toContain(
      `is in use by the command \`lexikon import\` (PID ${child.pid})`,
    );
    const busy = await lexikon(env, ['stats']);
    expect(busy.code).toBe(75);
    expect(busy.stderr).toContain(`the command \`lexikon import\` (PID ${child.pid})`);

    // Killed outright, it cannot release its lock: the next process finds it stale and takes over.
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(lockFile)).toBe(true);
    server = await startServerProcess(env);
    const stats = await json<{ terms: number }>(await fetch(`${server.baseUrl}/api/stats`));
    expect(stats.terms).toBe(45 + 2000 + 10);
    server.child.kill('SIGKILL');
    await server.exited;
    const after = await lexikon(env, ['stats', '--json']);
    expect(after.code, after.stderr).toBe(0);
  });
});
