/**
 * The BFF session: tokens live only in HttpOnly cookies, an expired access token is refreshed silently
 * (once, even for concurrent requests), and signing out revokes the refresh token at the API.
 */
import { describe, expect, it } from 'vitest';
import { ACCESS_COOKIE, REFRESH_COOKIE, cookieValue, newContext, signIn } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('session', () => {
  it('keeps both tokens out of reach of page scripts', async () => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('session');
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, webUrl, user.email, user.password, '/profile');
    await expect.poll(() => page.url()).toBe(`${webUrl}/profile`);

    const cookies = await context.cookies();
    const access = cookies.find((cookie) => cookie.name === ACCESS_COOKIE);
    const refresh = cookies.find((cookie) => cookie.name === REFRESH_COOKIE);
    expect(access?.value).toMatch(/^ey/);
    expect(refresh?.value).toBeTruthy();
    for (const cookie of [access, refresh]) {
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    }

    const seenByScripts = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
    }));
    const html = await page.content();
    for (const [where, text] of Object.entries({ ...seenByScripts, html })) {
      expect(text, `${where} must not hold the access token`).not.toContain(access!.value);
      expect(text, `${where} must not hold the refresh token`).not.toContain(refresh!.value);
    }
    expect(seenByScripts.cookie).not.toMatch(/lexikon_(access|refresh)/);

    // Client-side navigation loads page data from the SvelteKit server: no token in that either.
    const data = await page.evaluate(async () => {
      const answers = await Promise.all(
        ['/__data.json', '/profile/__data.json'].map((path) => fetch(path).then((r) => r.text())),
      );
      return answers.join('\n');
    });
    expect(data).toContain(user.email);
    expect(data).not.toContain(access!.value);
    expect(data).not.toContain(refresh!.value);
    await context.close();
  });

  it('refreshes an expired access token silently on the next navigation', async () => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('refresh');
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, webUrl, user.email, user.password, '/profile');
    const refreshBefore = await cookieValue(context, REFRESH_COOKIE);

    // The access cookie's max-age ran out (it dies 30 s before the token does).
    await context.clearCookies({ name: ACCESS_COOKIE });
    const response = await page.goto(`${webUrl}/profile`);

    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/profile');
    await expect.poll(() => page.getByTestId('profile-email').textContent()).toBe(user.email);
    const refreshAfter = await cookieValue(context, REFRESH_COOKIE);
    const accessAfter = await cookieValue(context, ACCESS_COOKIE);
    expect(refreshAfter).toBeTruthy();
    expect(refreshAfter, 'the refresh token was rotated').not.toBe(refreshBefore);
    // (A new access token; it may equal the old one byte for byte when issued within the same second.)
    expect(accessAfter).toMatch(/^ey/);
    const cookies = await context.cookies();
    for (const name of [ACCESS_COOKIE, REFRESH_COOKIE])
      expect(cookies.find((cookie) => cookie.name === name)).toMatchObject({
        httpOnly: true,
        sameSite: 'Lax',
      });
    await context.close();
  });

  it('rotates once when several requests arrive with the same expired access token', async () => {
    const { webUrl } = stackUrls();
    const user = await apiClient().createUser('concurrent');
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, webUrl, user.email, user.password, '/profile');
    const refreshBefore = await cookieValue(context, REFRESH_COOKIE);
    await context.clearCookies({ name: ACCESS_COOKIE });

    // Four requests in flight at once, all carrying the old refresh token. Rotating it more than once
    // would look like token theft to the API, which would then revoke the whole session.
    const statuses = await page.evaluate(() =>
      Promise.all(
        ['/profile', '/profile', '/', '/profile'].map((path) =>
          fetch(path, { credentials: 'same-origin', redirect: 'manual' }).then((r) => r.status),
        ),
      ),
    );
    expect(statuses).toEqual([200, 200, 200, 200]);

    const refreshAfter = await cookieValue(context, REFRESH_COOKIE);
    expect(refreshAfter).not.toBe(refreshBefore);
    // Still signed in afterwards, with the rotated token.
    await page.goto(`${webUrl}/profile`);
    expect(new URL(page.url()).pathname).toBe('/profile');
    await context.clearCookies({ name: ACCESS_COOKIE });
    await page.goto(`${webUrl}/profile`);
    expect(new URL(page.url()).pathname).toBe('/profile');
    await context.close();
  });

  it('signs out: both cookies cleared and the refresh token revoked at the API', async () => {
    const { webUrl } = stackUrls();
    const api = apiClient();
    const user = await api.createUser('logout');
    const context = await newContext(browser());
    const page = await context.newPage();
    await signIn(page, webUrl, user.email, user.password, '/profile');
    const refreshToken = await cookieValue(context, REFRESH_COOKIE);
    expect(refreshToken).toBeTruthy();

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => url.pathname === '/login');

    expect(new URL(page.url()).searchParams.get('signed_out')).toBe('1');
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain('Vous êtes déconnecté.');
    const names = (await context.cookies()).map((cookie) => cookie.name);
    expect(names).not.toContain(ACCESS_COOKIE);
    expect(names).not.toContain(REFRESH_COOKIE);

    const answer = await api.refresh(refreshToken!);
    expect(answer.status).toBe(401);

    await page.goto(`${webUrl}/profile`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });
});
