/**
 * The audit log page in a real browser: an administrator sees a failed sign-in with its address and filters
 * by action; anyone else has no link to it and is refused.
 */
import { describe, expect, inject, it } from 'vitest';
import { promoteToAdmin } from '../support/api.ts';
import { newContext, signIn } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('the audit log page', () => {
  it('lists security events for administrators only, filtered by action', async () => {
    const api = apiClient();
    const { apiUrl, webUrl } = stackUrls();
    const member = await api.createUser('audit_member');
    const failed = await fetch(`${apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: member.email, password: 'not-the-password-1' }),
    });
    expect(failed.status).toBe(401);

    const memberContext = await newContext(browser());
    await memberContext.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const memberPage = await memberContext.newPage();
    await signIn(memberPage, webUrl, member.email, member.password, '/terms');
    expect(await memberPage.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    const refused = await memberPage.goto(`${webUrl}/audit`);
    expect(refused?.status()).toBe(403);
    await memberContext.close();

    const admin = await api.createUser('audit_admin');
    promoteToAdmin(inject('databaseUrl'), inject('jwtSecret'), admin.email);
    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, admin.email, admin.password, '/terms');
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL('**/audit');
    const failure = page
      .locator('[data-testid="audit-table"] tr[data-action="auth.sign_in_failed"]')
      .filter({ hasText: member.email })
      .first();
    await failure.waitFor();
    expect(await failure.textContent()).toContain('Failed sign-in');
    expect(await failure.textContent()).toContain('wrong_password');

    await page.getByTestId('audit-filter').locator('select[name="action"]').selectOption('admin.promoted');
    await page.getByTestId('audit-filter').getByRole('button').click();
    await page.waitForURL('**/audit?action=admin.promoted');
    const rows = page.locator('[data-testid="audit-table"] tbody tr');
    expect(
      new Set(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-action')))),
    ).toEqual(new Set(['admin.promoted']));
    expect(await rows.filter({ hasText: 'cli' }).count()).toBeGreaterThan(0);
    await context.close();
  });
});
