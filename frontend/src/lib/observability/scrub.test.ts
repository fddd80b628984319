import type { ErrorEvent } from '@sentry/sveltekit';
import { describe, expect, it } from 'vitest';
import { isReportable } from './reportable.ts';
import { scrubBreadcrumb, scrubEvent, scrubTransaction } from './scrub.ts';

const EMAIL = 'ada@example.org';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl';
const PASSWORD = 'Correct-Horse-Battery-Staple';

function errorEvent(): ErrorEvent {
  return {
    type: undefined,
    message: `Login failed for ${EMAIL}`,
    exception: {
      values: [
        {
          type: 'Error',
          value: `Cannot load profile of ${EMAIL} with Bearer ${JWT}`,
          stacktrace: {
            frames: [
              {
                filename: 'http://127.0.0.1:3000/_app/immutable/nodes/7.js?v=1',
                function: 'load',
                vars: { password: PASSWORD },
              },
            ],
          },
        },
      ],
    },
    request: {
      method: 'POST',
      url: 'http://127.0.0.1:3000/oauth/callback/github?code=abc&state=def',
      query_string: 'code=abc&state=def',
      cookies: { lexikon_access: JWT },
      data: { email: EMAIL, password: PASSWORD },
      headers: {
        Cookie: `lexikon_access=${JWT}`,
        Authorization: `Bearer ${JWT}`,
        'X-Forwarded-For': '203.0.113.9',
        'User-Agent': 'Chromium',
        'Accept-Language': 'fr-FR',
      },
    },
    user: { id: 'u-1', email: EMAIL, ip_address: '203.0.113.9', username: 'ada' },
    extra: { form: { email: EMAIL, password: PASSWORD, note: `write to ${EMAIL}` }, attempt: 2 },
    contexts: { auth: { refresh_token: 'lxr_secret', provider: 'github' } },
    tags: { route: '/login' },
    breadcrumbs: [
      { category: 'navigation', data: { from: '/login?next=%2Fprofile', to: '/terms?q=neurone#top' } },
      { category: 'fetch', data: { url: '/terms/lookup?q=neur', method: 'GET', status_code: 200 } },
      { category: 'console', message: `signed in as ${EMAIL}` },
    ],
  };
}

describe('scrubEvent', () => {
  const scrubbed = scrubEvent(errorEvent());
  const text = JSON.stringify(scrubbed);

  it('leaves no email, token, password, cookie or address anywhere', () => {
    for (const secret of [EMAIL, JWT, PASSWORD, 'lxr_secret', '203.0.113.9', 'code=abc', 'state=def'])
      expect(text, secret).not.toContain(secret);
  });

  it('drops bodies, cookies and query strings, keeps a few harmless headers', () => {
    expect(scrubbed.request).toEqual({
      method: 'POST',
      url: 'http://127.0.0.1:3000/oauth/callback/github',
      headers: { 'User-Agent': 'Chromium', 'Accept-Language': 'fr-FR' },
    });
  });

  it('reduces the user to an id', () => {
    expect(scrubbed.user).toEqual({ id: 'u-1' });
  });

  it('keeps what makes the report useful', () => {
    const exception = scrubbed.exception!.values![0]!;
    expect(exception.value).toBe('Cannot load profile of [email] with Bearer [token]');
    expect(exception.stacktrace!.frames![0]).toEqual({
      filename: 'http://127.0.0.1:3000/_app/immutable/nodes/7.js',
      function: 'load',
    });
    expect(scrubbed.extra).toEqual({
      form: { email: '[redacted]', password: '[redacted]', note: 'write to [email]' },
      attempt: 2,
    });
    expect(scrubbed.contexts).toEqual({ auth: { refresh_token: '[redacted]', provider: 'github' } });
    expect(scrubbed.tags).toEqual({ route: '/login' });
  });

  it('strips query strings and fragments from breadcrumb URLs and redacts their messages', () => {
    expect(scrubbed.breadcrumbs).toEqual([
      { category: 'navigation', data: { from: '/login', to: '/terms' } },
      { category: 'fetch', data: { url: '/terms/lookup', method: 'GET', status_code: 200 } },
      { category: 'console', message: 'signed in as [email]' },
    ]);
  });
});

describe('scrubTransaction and scrubBreadcrumb', () => {
  it('strip URLs and query data from spans', () => {
    const scrubbed = scrubTransaction({
      type: 'transaction',
      transaction: '/terms?q=neurone',
      spans: [
        {
          span_id: '1',
          trace_id: '2',
          start_timestamp: 0,
          description: 'GET /terms/lookup?q=neur',
          data: { 'url.full': 'http://127.0.0.1:3000/terms/lookup?q=neur', 'http.query': '?q=neur' },
        },
      ],
      contexts: {
        trace: {
          span_id: '1',
          trace_id: '2',
          data: {
            'http.request.header.cookie.lexikon_access': JWT,
            'http.request.header.referer': 'http://127.0.0.1:3000/login?next=%2Fprofile',
            'http.request.header.x_forwarded_for': '203.0.113.9',
            'http.request.header.user_agent': 'Chromium',
            'http.route': '/terms',
          },
        },
      },
    });
    expect(scrubbed.transaction).toBe('/terms');
    expect(scrubbed.spans![0]!.description).toBe('GET /terms/lookup');
    expect(scrubbed.spans![0]!.data).toEqual({ 'url.full': 'http://127.0.0.1:3000/terms/lookup' });
    // Span attributes carry one header each: the same allowlist as request headers.
    expect(scrubbed.contexts!.trace!.data).toEqual({
      'http.request.header.user_agent': 'Chromium',
      'http.route': '/terms',
    });
  });

  it('leave a breadcrumb without data or message as it is', () => {
    expect(scrubBreadcrumb({ category: 'ui.click', message: 'main > form > button' })).toEqual({
      category: 'ui.click',
      message: 'main > form > button',
    });
  });
});

describe('isReportable', () => {
  it('reports unexpected errors only', () => {
    expect(isReportable({ kind: 'unknown' })).toBe(true);
    for (const kind of ['app', 'framework', 'validation']) expect(isReportable({ kind }), kind).toBe(false);
  });
});
