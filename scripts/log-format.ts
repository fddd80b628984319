/**
 * The API logs JSON lines (pino), which is right for log collectors and unreadable in a terminal.
 * `npm start` and `npm run dev` show each line as one short human line instead: a request as
 * `12:03:04 GET /api/terms 200 4 ms`, anything else as its time, level and message (and error). Lines
 * that are not pino's JSON pass through unchanged.
 */

const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

interface PinoLine {
  level?: number;
  time?: number;
  msg?: string;
  req?: { method?: string; path?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; type?: string };
}

export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let entry: PinoLine;
  try {
    entry = JSON.parse(line) as PinoLine;
  } catch {
    return line;
  }
  if (typeof entry.level !== 'number' || typeof entry.msg !== 'string') return line;
  const time = typeof entry.time === 'number' ? new Date(entry.time).toTimeString().slice(0, 8) : '';
  if (entry.req && entry.res && typeof entry.responseTime === 'number') {
    const path = entry.req.path ?? entry.req.url ?? '';
    return `${time} ${entry.req.method ?? ''} ${path} ${entry.res.statusCode ?? ''} ${Math.round(entry.responseTime)} ms`;
  }
  const level = LEVELS[entry.level] ?? String(entry.level);
  const error = entry.err?.message ? ` (${entry.err.type ?? 'Error'}: ${entry.err.message})` : '';
  return `${time} ${level === 'info' ? '' : `${level.toUpperCase()} `}${entry.msg}${error}`;
}

/** Whether to reformat: on a terminal, outside production, unless LOG_FORMAT=json asks for the raw lines. */
export function wantsReadableLogs(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.LOG_FORMAT === 'json') return false;
  if (env.LOG_FORMAT === 'pretty') return true;
  return isTTY === true && env.NODE_ENV !== 'production';
}
