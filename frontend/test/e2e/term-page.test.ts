/**
 * What misled a new user on the term pages (issue 14), in a real browser against the real API and its
 * background worker: the result of a queued validation appears without a reload; findings follow the UI
 * language; number fields get number messages; the ambiguous-target picker spaces its labels; domains
 * are suggested and offered as a list; reviewers validate in bulk; an author's edit of a validated term
 * says it went back to review.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { promoteToAdmin, type TestUser } from '../support/api.ts';
import { newContext, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';
import { holdQueuedJob, releaseJob } from '../support/jobs.ts';

const browser = useBrowser();

async function signedIn(
  user: TestUser,
  locale: 'fr' | 'en',
  next?: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const { webUrl } = stackUrls();
  const context = await newContext(browser());
  await context.addCookies([{ name: 'lexikon_locale', value: locale, url: webUrl }]);
  const page = await context.newPage();
  await signIn(page, webUrl, user.email, user.password, next);
  await waitForHydration(page);
  return { context, page };
}

describe('the term page', () => {
  it('shows the background validation when it arrives, in the UI language, without a reload', async () => {
    const api = apiClient();
    const author = await api.createUser('poll');
    const { access_token: token } = await api.login(author);
    // The worker may take a new term's job at once: hold one back (a fresh term if it was too quick).
    let termId = '';
    let jobId: string | null = null;
    for (let attempt = 0; attempt < 5 && jobId === null; attempt++) {
      const id = randomUUID().slice(0, 8);
      // Vague wording in a French definition: the rules' explanation exists in English too.
      const term = await api.createTerm(token, {
        term: `Gadget ${id}`,
        definition:
          'Un gadget est un truc utilisé pour diverses choses dans de nombreuses situations du quotidien.',
        domain: `Objets ${id}`,
      });
      termId = term.id;
      jobId = await holdQueuedJob(inject('databaseUrl'), termId);
    }
    expect(jobId, 'a queued job to hold back').not.toBeNull();
    const { context, page } = await signedIn(author, 'en', `/terms/${termId}`);
    await page.getByTestId('quality-pending').waitFor();
    const loadedAt = await page.evaluate(() => performance.timeOrigin);
    await releaseJob(inject('databaseUrl'), jobId!);

    // Shown when the worker is done (the page polls with backoff), on the same page.
    const finding = page.locator('[data-testid="quality"] [data-testid="finding"][data-type="too_vague"]');
    await finding.first().waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt);
    expect(await page.getByTestId('quality-pending').count()).toBe(0);
    expect(await page.getByTestId('quality-arrived').textContent()).toBe(
      'The background validation finished; its result is shown.',
    );
    // Heading, explanation and suggestion all in English, though the definition is French.
    expect(await finding.first().getByTestId('finding-type').textContent()).toBe('Too vague');
    const explanation = (await finding.first().getByTestId('finding-explanation').textContent()) ?? '';
    expect(explanation).toMatch(/\b(the|is|word|words)\b/i);
    expect(explanation).not.toMatch(/\b(le|la|les|est|mot)\b/);
    await context.close();
  });

  it('says "at most 1" for a strength of 1.5, and spaces the names of candidate targets', async () => {
    const api = apiClient();
    const id = randomUUID().slice(0, 8);
    const author = await api.createUser('relate');
    const { access_token: token } = await api.login(author);
    const source = await api.createTerm(token, {
      term: `Source ${id}`,
      definition: 'Un terme depuis lequel partent les relations de ce scénario de test.',
      domain: `Essais ${id}`,
    });
    for (const domain of [`Classification ${id}`, `Intelligence artificielle ${id}`])
      await api.createTerm(token, {
        term: `Cible ${id}`,
        definition: `La cible des relations, rangée dans le domaine ${domain}.`,
        domain,
      });
    const { context, page } = await signedIn(author, 'en', `/terms/${source.id}`);
    const form = page.getByTestId('add-relation-form');
    await page.locator('#relation-type').selectOption('related_to');
    await page.getByTestId('relation-target').fill(`Cible ${id}`);
    await page.locator('#field-strength').fill('1.5');
    await form.getByRole('button', { name: 'Add the relation' }).click();
    await expect.poll(() => page.locator('#field-strength-error').textContent()).toBe('At most 1.');

    // Two terms of that name: the form asks which, each labelled "name · domain".
    await page.locator('#field-strength').fill('');
    await page.getByTestId('relation-target').fill(`Cible ${id}`);
    await page.getByTestId('relation-target').press('Escape');
    await form.getByRole('button', { name: 'Add the relation' }).click();
    await page.getByTestId('relation-candidates').waitFor();
    const labels = await page.getByTestId('relation-candidate-label').allTextContents();
    expect(labels.map((label) => label.replace(/\s+/g, ' ').trim())).toEqual(
      expect.arrayContaining([
        `Cible ${id} · Classification ${id}`,
        `Cible ${id} · Intelligence artificielle ${id}`,
      ]),
    );
    await context.close();
  });

  it('suggests the domains in use while typing, and lists them in the filter', async () => {
    const api = apiClient();
    const id = randomUUID().slice(0, 8);
    const author = await api.createUser('domains');
    const { access_token: token } = await api.login(author);
    const domain = `Océanographie ${id}`;
    await api.createTerm(token, {
      term: `Houle ${id}`,
      definition: 'Mouvement ondulatoire de la surface de la mer, formé loin de la côte par le vent.',
      domain,
    });
    const { context, page } = await signedIn(author, 'fr', '/terms/new');
    await page.locator('#field-domain').focus();
    await expect
      .poll(() =>
        page
          .locator('#domain-suggestions option')
          .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
      )
      .toContain(domain);
    expect(await page.locator('#field-domain').getAttribute('list')).toBe('domain-suggestions');

    // The same domain typed carelessly is stored with its existing spelling.
    await page.locator('#field-term').fill(`Marée ${id}`);
    await page
      .locator('#field-definition')
      .fill('Variation périodique du niveau de la mer due à l’attraction de la Lune et du Soleil.');
    await page.locator('#field-domain').fill(`  océanographie ${id.toUpperCase()} `);
    await page.getByTestId('new-term-form').locator('button').last().click();
    await page.waitForURL((url) => /^\/terms\/[0-9a-f-]{36}$/.test(url.pathname));
    const created = await api.getTerm(token, new URL(page.url()).pathname.split('/').pop()!);
    expect(created.domain).toBe(domain);

    // The list's filter is a list of the domains, with their counts.
    await page.goto(`${stackUrls().webUrl}/terms`);
    const filter = page.getByTestId('terms-domain-filter');
    expect(await filter.locator('option', { hasText: domain }).textContent()).toBe(`${domain} (2 termes)`);
    await filter.selectOption(domain);
    await page.getByTestId('term-filters').getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL((url) => url.searchParams.get('domain') === domain);
    await expect.poll(() => page.getByTestId('term-item').count()).toBe(2);
    await context.close();
  });
});

describe('reviewers', () => {
  it('validate everything, or what changed, from the quality page; others see why they cannot', async () => {
    const api = apiClient();
    const reader = await api.createUser('quality-reader');
    const reviewer = await api.createUser('quality-reviewer');
    promoteToAdmin(inject('databaseUrl'), inject('jwtSecret'), reviewer.email);

    const readerSession = await signedIn(reader, 'en', '/quality');
    expect(await readerSession.page.getByTestId('quality-run-forbidden').textContent()).toContain(
      'Only reviewers',
    );
    expect(await readerSession.page.getByTestId('quality-run-form').count()).toBe(0);
    await readerSession.context.close();

    const { context, page } = await signedIn(reviewer, 'en', '/quality');
    expect(await page.getByTestId('quality-queue').textContent()).toMatch(/\d+ waiting, \d+ running/);
    await page.getByRole('button', { name: 'Validate everything again' }).click();
    await expect
      .poll(() => page.getByTestId('quality-run-result').textContent())
      .toMatch(/^\d+ validations queued for \d+ terms\.$/);
    const [, queued, considered] = /^(\d+) validations queued for (\d+)/.exec(
      (await page.getByTestId('quality-run-result').textContent())!,
    )!;
    expect(Number(considered)).toBeGreaterThan(0);
    expect(Number(queued)).toBeLessThanOrEqual(Number(considered));
    await page.getByRole('button', { name: 'Validate what changed' }).click();
    await expect
      .poll(() => page.getByTestId('quality-run-result').textContent())
      .toMatch(/^\d+ validations queued: the terms never validated or changed since, of \d+\.$/);
    await context.close();
  });

  it('are needed again when an author edits a validated term: the page says it went back to review', async () => {
    const api = apiClient();
    const id = randomUUID().slice(0, 8);
    const author = await api.createUser('back-to-review');
    const reviewer = await api.createUser('back-to-review-admin');
    promoteToAdmin(inject('databaseUrl'), inject('jwtSecret'), reviewer.email);
    const { access_token: authorToken } = await api.login(author);
    const { access_token: reviewerToken } = await api.login(reviewer);
    let term = await api.createTerm(authorToken, {
      term: `Phare ${id}`,
      definition: 'Tour munie d’une lampe puissante qui guide les navires la nuit près des côtes.',
      domain: `Marine ${id}`,
      status: 'proposed',
    });
    term = await api.updateTerm(reviewerToken, term, { status: 'in_review' });
    term = await api.updateTerm(reviewerToken, term, { status: 'validated' });
    expect(term.status).toBe('validated');

    const { context, page } = await signedIn(author, 'en', `/terms/${term.id}`);
    await page.getByTestId('edit-term').locator('summary').click();
    await page
      .getByTestId('edit-term-form')
      .locator('#field-definition')
      .fill('Tour munie d’une lampe très puissante qui guide les navires la nuit près des côtes rocheuses.');
    await page.getByTestId('save-term').click();
    await page.getByTestId('term-back-to-review').waitFor();
    expect(await page.getByTestId('term-back-to-review').textContent()).toBe(
      'This term was validated: your edit sends it back to review until a reviewer validates it again.',
    );
    expect((await api.getTerm(authorToken, term.id)).status).toBe('in_review');
    await context.close();
  });
});
