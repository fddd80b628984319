import { describe, expect, it } from 'vitest';
import { formatLogLine, wantsReadableLogs } from '../log-format.ts';

const time = Date.UTC(2026, 11, 7, 12, 3, 4);
const clock = new Date(time).toTimeString().slice(0, 8);

describe('the terminal log format of npm start and npm run dev', () => {
  it('shows a request as one line: time, method, path, status, duration', () => {
    const line = JSON.stringify({
      level: 30,
      time,
      msg: 'request completed',
      req: { id: 'x', method: 'GET', path: '/api/terms', route: '/api/terms' },
      res: { statusCode: 200 },
      responseTime: 4.4,
    });
    expect(formatLogLine(line)).toBe(`${clock} GET /api/terms 200 4 ms`);
  });

  it('shows other messages with their level (info left out) and error', () => {
    expect(formatLogLine(JSON.stringify({ level: 30, time, msg: 'migrating database' }))).toBe(
      `${clock} migrating database`,
    );
    expect(
      formatLogLine(
        JSON.stringify({ level: 50, time, msg: 'request failed', err: { type: 'Error', message: 'boom' } }),
      ),
    ).toBe(`${clock} ERROR request failed (Error: boom)`);
  });

  it('passes anything that is not a pino line through unchanged', () => {
    for (const line of ['Listening on http://127.0.0.1:3000', '{not json', '{"a":1}'])
      expect(formatLogLine(line)).toBe(line);
  });

  it('formats only on a terminal outside production, unless LOG_FORMAT says otherwise', () => {
    expect(wantsReadableLogs({}, true)).toBe(true);
    expect(wantsReadableLogs({}, false)).toBe(false);
    expect(wantsReadableLogs({ NODE_ENV: 'production' }, true)).toBe(false);
    expect(wantsReadableLogs({ LOG_FORMAT: 'json' }, true)).toBe(false);
    expect(wantsReadableLogs({ LOG_FORMAT: 'pretty' }, false)).toBe(true);
  });
});
