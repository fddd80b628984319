/**
 * `npm start`: the API (embedded PGlite unless DATABASE_URL is set) and the web app, side by side.
 * Builds the web app first when its build is missing or older than its sources. Ctrl-C or SIGTERM stops
 * both; if either exits, the other is stopped too.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { formatLogLine, wantsReadableLogs } from './log-format.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const frontendDir = join(root, 'frontend');
const buildEntry = join(frontendDir, 'build/handler.js');
const webServer = join(frontendDir, 'server.js');

for (const file of [join(root, '.env')]) if (existsSync(file)) process.loadEnvFile(file);
const host = process.env.HOST ?? '127.0.0.1';
const apiPort = process.env.PORT ?? '8000';
const webPort = process.env.WEB_PORT ?? '3000';
const apiUrl = process.env.LEXIKON_API_URL ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${apiPort}`;

function newestModification(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function ensureWebBuild(): void {
  const sources = Math.max(
    newestModification(join(frontendDir, 'src')),
    newestModification(join(root, 'contracts/src')),
    statSync(join(frontendDir, 'vite.config.ts')).mtimeMs,
  );
  if (existsSync(buildEntry) && statSync(buildEntry).mtimeMs >= sources) return;
  console.log('[lexikon] building the web app…');
  const build = spawnSync('npm', ['run', '--silent', '--workspace', 'frontend', 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error('[lexikon] the web app did not build; see above.');
    process.exit(build.status ?? 1);
  }
}

const readable = wantsReadableLogs(process.env, process.stdout.isTTY);

function prefixed(child: ChildProcess, label: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(`[${label}] ${readable ? formatLogLine(line) : line}\n`);
    });
  }
}

/**
 * Resolves once `url` answers with `ok` (any HTTP answer by default), polling; null if `child` exits
 * first. A URL is printed only when it works: the API migrates before it listens, and the web app is
 * useless until the API answers.
 */
async function answers(
  url: string,
  child: ChildProcess,
  ok = (status: number) => status > 0,
): Promise<boolean> {
  while (child.exitCode === null && !stopping) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (ok(response.status)) return true;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  return false;
}

ensureWebBuild();
let stopping = false;

const api = spawn(process.execPath, [join(root, 'backend/src/main.ts')], {
  cwd: root,
  // OAuth providers send browsers back to the web app, so the API must know where it is.
  env: { PUBLIC_WEB_URL: `http://${host}:${webPort}`, ...process.env, HOST: host, PORT: apiPort },
  stdio: ['ignore', 'pipe', 'pipe'],
});
const web = spawn(process.execPath, [webServer], {
  cwd: frontendDir,
  env: { ...process.env, HOST: host, PORT: webPort, LEXIKON_API_URL: apiUrl },
  stdio: ['ignore', 'pipe', 'pipe'],
});
prefixed(api, 'api');
prefixed(web, 'web');
console.log('[lexikon] starting the API and the web app…');
const webUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${webPort}`;
void (async () => {
  if (!(await answers(`${apiUrl}/health`, api, (status) => status === 200))) return;
  console.log(`[lexikon] API on ${apiUrl} (docs at ${apiUrl}/docs)`);
  if (!(await answers(`${webUrl}/login`, web))) return;
  console.log(`[lexikon] web app on ${webUrl}  ·  ready`);
})();

function stopAll(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of [api, web]) if (child.exitCode === null) child.kill('SIGTERM');
  let remaining = 2;
  const done = () => --remaining === 0 && process.exit(code);
  for (const child of [api, web]) {
    if (child.exitCode === null) child.once('exit', done);
    else done();
  }
  setTimeout(() => process.exit(code), 15_000).unref();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(0));
api.once('exit', (code) => stopAll(code ?? 1));
web.once('exit', (code) => stopAll(code ?? 1));
