/**
 * `npm run dev`: the API with reload on change (port 8000) and the web app's Vite dev server with hot
 * module replacement (port 5173), as in the seed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { formatLogLine, wantsReadableLogs } from './log-format.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const host = process.env.HOST ?? '127.0.0.1';
const apiPort = process.env.PORT ?? '8000';

const readable = wantsReadableLogs(process.env, process.stdout.isTTY);
const api = spawn(process.execPath, ['--watch', join(root, 'backend/src/main.ts')], {
  cwd: root,
  env: { PUBLIC_WEB_URL: 'http://localhost:5173', ...process.env, HOST: host, PORT: apiPort },
  stdio: ['inherit', readable ? 'pipe' : 'inherit', 'inherit'],
});
// One readable line per request and per message, instead of pino's JSON.
if (api.stdout)
  createInterface({ input: api.stdout }).on('line', (line) =>
    process.stdout.write(`${formatLogLine(line)}\n`),
  );

const children: ChildProcess[] = [
  api,
  spawn('npm', ['run', '--silent', '--workspace', 'frontend', 'dev'], {
    cwd: root,
    env: { ...process.env, LEXIKON_API_URL: process.env.LEXIKON_API_URL ?? `http://${host}:${apiPort}` },
    stdio: 'inherit',
  }),
];
const stop = () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);
for (const child of children) child.once('exit', stop);
