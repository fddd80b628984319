/**
 * Definition quality on the term page, against the real API (no LLM configured here: the rules run
 * alone): "validate now" finds a circular definition; the author walks the term to review but cannot
 * validate it; a reviewer is refused `validated` while the finding is open, sees it, and overrides it with
 * a reason that the history then shows. Also: without JavaScript, for readers who may not validate, the
 * history's "show older", and axe, 360 px and screenshots in light and dark with findings on the page.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { promoteToAdmin } from '../support/api.ts';
import { newContext, runAxe, screenshot, scrollWidth, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

/** One word, used in its own definition: the rules' `circular-term` error. */
const circularDefinition =
  'La récursion consiste, pour une fonction, à utiliser la récursion dans son propre calcul.';

const quality = (page: Page) => page.getByTestId('quality');
const currentFinding = (page: Page, type: string) =>
  quality(page).locator(`[data-testid="finding"][data-type="${type}"]`);

/** axe (no serious or critical violation) and no horizontal scrolling at 360 px, light and dark. */
async function checkLayouts(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, `${name}-${scheme}`);
    const axe = await runAxe(page);
    expect.soft(axe.blocking, `${name} ${scheme}: serious/critical axe violations:\n${axe.report}`).toBe(0);
    await page.setViewportSize({ width: 360, height: 740 });
    // The graph's canvas follows a resize a moment later.
    const deadline = Date.now() + 5000;
    let width = await scrollWidth(page);
    while (width > 360 && Date.now() < deadline) {
      await page.waitForTimeout(100);
      width = await scrollWidth(page);
    }
    expect
      .soft(width, `${name} ${scheme}: horizontal scrolling at 360 px (${width} px)`)
      .toBeLessThanOrEqual(360);
    await screenshot(page, `${name}-${scheme}-360`);
    const narrow = await runAxe(page);
    expect.soft(narrow.blocking, `${name} ${scheme} 360 px: axe violations:\n${narrow.report}`).toBe(0);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function openHistory(page: Page): Promise<void> {
  const history = page.getByTestId('validation-history');
  if ((await history.getAttribute('open')) === null) await history.locator('summary').click();
}

describe('definition quality', () => {
  it('validate now → circular finding → author cannot validate → reviewer refused, then overrides', async () => {
    const { webUrl } = stackUrls();
    const api = apiClient();
    const id = randomUUID().slice(0, 8);
    const author = await api.createUser('author');
    const { access_token: authorToken } = await api.login(author);
    const term = await api.createTerm(authorToken, {
      term: 'Récursion',
      definition: circularDefinition,
      domain: `Informatique ${id}`,
      status: 'proposed',
    });

    // 1. The author validates now and sees the circular definition, with its explanation from the API.
    const authorContext = await newContext(browser());
    const page = await authorContext.newPage();
    await signIn(page, webUrl, author.email, author.password, `/terms/${term.id}`);
    await waitForHydration(page);
    expect(await quality(page).getByRole('heading', { level: 2 }).textContent()).toBe(
      'Qualité de la définition',
    );
    await page.getByRole('button', { name: 'Valider maintenant' }).click();
    await page.getByTestId('validate-result').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('validate-result').textContent()).toContain(
      'Validation terminée : 1 erreur',
    );
    const circular = currentFinding(page, 'circular_definition');
    await circular.waitFor();
    expect(await circular.getAttribute('data-severity')).toBe('error');
    expect(await circular.getByTestId('finding-type').textContent()).toBe('Définition circulaire');
    expect(await circular.locator('[data-severity="error"]').textContent()).toContain('Erreur');
    expect(await circular.getByTestId('finding-explanation').textContent()).toContain(
      'La définition emploie le terme lui-même',
    );
    expect(await page.getByTestId('quality-blocking').textContent()).toBe(
      '1 constat empêche de valider ce terme.',
    );
    expect(await page.getByTestId('quality-checked').textContent()).toContain('par les règles.');
    expect(await page.getByTestId('quality-service').textContent()).toContain('aucun LLM configuré');

    // The new record heads the history, opened to show it: by hand, rules only, no error.
    expect(await page.getByTestId('validation-history').getAttribute('open')).not.toBeNull();
    const newest = page.getByTestId('validation-record').first();
    expect(await newest.getAttribute('data-trigger')).toBe('manual');
    expect(await newest.getAttribute('data-status')).toBe('ok');
    expect(await newest.textContent()).toContain('Nouveau');
    expect(await newest.getByTestId('record-validators').textContent()).toContain('Règles');
    expect(await newest.getByTestId('record-findings-count').textContent()).toBe('1 erreur');
    // The background job the creation queued may finish before or after this click: look for the manual
    // record rather than at the head of the history.
    const records = await api.listValidations(authorToken, term.id);
    expect(records.items.find((record) => record.trigger === 'manual')).toMatchObject({
      validators: ['rules'],
      current: true,
    });

    await checkLayouts(page, 'validation-findings');

    // 2. The author moves the term to review; validating is not offered, and says who may.
    await page.getByTestId('edit-term').locator('summary').click();
    const status = page.getByTestId('edit-term-form').locator('#field-status');
    expect(
      await status
        .locator('option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)),
    ).not.toContain('validated');
    await status.selectOption('in_review');
    await page.getByTestId('save-term').click();
    await expect.poll(() => page.locator('[data-status="in_review"]').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('edit-term-form').locator('#field-status-hint').textContent()).toContain(
      'Seul un administrateur (relecteur) peut valider un terme.',
    );
    // A status change keeps the text: the finding still holds.
    expect(await currentFinding(page, 'circular_definition').count()).toBe(1);
    await authorContext.close();

    // 3. A reviewer tries to validate: refused, the open finding listed, and an override form.
    const reviewer = await api.createUser('reviewer');
    promoteToAdmin(inject('databaseUrl'), inject('jwtSecret'), reviewer.email);
    const reviewerContext = await newContext(browser());
    const review = await reviewerContext.newPage();
    await signIn(review, webUrl, reviewer.email, reviewer.password, `/terms/${term.id}`);
    await waitForHydration(review);
    await review.getByTestId('edit-term').locator('summary').click();
    await review.getByTestId('edit-term-form').locator('#field-status').selectOption('validated');
    await review.getByTestId('save-term').click();
    const gate = review.getByTestId('validation-gate');
    await gate.waitFor({ timeout: 15_000 });
    expect(await review.locator('#field-status-error').textContent()).toBe(
      'Des constats ouverts empêchent de valider ce terme.',
    );
    expect(await gate.locator('[data-testid="gate-finding"]').count()).toBe(1);
    expect(await gate.locator('[data-testid="gate-finding"]').getAttribute('data-type')).toBe(
      'circular_definition',
    );
    expect((await api.getTerm(authorToken, term.id)).status).toBe('in_review');
    await checkLayouts(review, 'validation-gate');

    // A reason is required (checked before sending)…
    await review.locator('#field-reason').fill('ok');
    await review.getByTestId('override-submit').click();
    await expect
      .poll(() => review.locator('#field-reason-error').textContent())
      .toBe('Expliquez la dérogation en 10 caractères au moins.');
    expect(await review.locator('#field-reason').getAttribute('aria-invalid')).toBe('true');

    // …then the override validates the term, and is recorded.
    const reason = `La répétition est voulue : le terme se définit par elle (${id}).`;
    await review.locator('#field-reason').fill(reason);
    await review.getByTestId('override-submit').click();
    await review.getByTestId('term-validated').waitFor({ timeout: 15_000 });
    expect(await review.getByTestId('validation-gate').count()).toBe(0);
    // The edit form is rebuilt for the new version, closed, without the refusal it showed.
    await expect
      .poll(() => review.getByTestId('edit-term').evaluate((details) => (details as HTMLDetailsElement).open))
      .toBe(false);
    expect(await review.locator('#field-status-error').count()).toBe(0);
    const validated = await api.getTerm(authorToken, term.id);
    expect(validated.status).toBe('validated');
    expect(await review.locator('header [data-status="validated"]').count()).toBe(1);
    expect(await currentFinding(review, 'circular_definition').getAttribute('data-overridden')).toBe('true');
    expect(await review.getByTestId('finding-override').textContent()).toContain(reason);
    expect(await review.getByTestId('quality-blocking').count()).toBe(0);
    expect(await review.getByTestId('quality-accepted').textContent()).toBe(
      '1 constat accepté par un relecteur.',
    );
    await openHistory(review);
    const override = review.getByTestId('record-override').first();
    expect(await override.textContent()).toContain(reason);
    expect(await override.textContent()).toContain('vous, le');
    await screenshot(review, 'validation-overridden-light');
    await reviewerContext.close();
  });

  it('without JavaScript: validate now, a forged `validated` refused, the override with its checks', async () => {
    const { webUrl } = stackUrls();
    const api = apiClient();
    const id = randomUUID().slice(0, 8);
    const author = await api.createUser('nojs');
    const { access_token: token } = await api.login(author);
    const term = await api.createTerm(token, {
      term: 'Récursion',
      definition: circularDefinition,
      domain: `Sans script ${id}`,
      status: 'proposed',
    });
    await api.updateTerm(token, term, { status: 'in_review' });

    const context = await newContext(browser(), { javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, webUrl, author.email, author.password, `/terms/${term.id}`);
    await page.getByRole('button', { name: 'Valider maintenant' }).click();
    await page.getByTestId('validate-result').waitFor({ timeout: 15_000 });
    expect(await currentFinding(page, 'circular_definition').count()).toBe(1);

    // The form never offers `validated` to an author; a hand-made post gets a sentence, not an error page.
    await page.getByTestId('edit-term').locator('summary').click();
    await page.locator('#field-status').evaluate((select) => {
      const option = document.createElement('option');
      option.value = 'validated';
      option.textContent = 'Validé';
      select.append(option);
      (select as HTMLSelectElement).value = 'validated';
    });
    await page.getByTestId('save-term').click();
    await page.locator('#field-status-error').waitFor({ timeout: 15_000 });
    expect(await page.locator('#field-status-error').textContent()).toBe(
      'Seul un administrateur (relecteur) peut valider un terme.',
    );
    expect(await page.getByTestId('validation-gate').count()).toBe(0);
    expect((await api.getTerm(token, term.id)).status).toBe('in_review');
    await context.close();

    // A reviewer without JavaScript: refused, then the override, its reason checked by the server.
    const reviewer = await api.createUser('nojs_reviewer');
    promoteToAdmin(inject('databaseUrl'), inject('jwtSecret'), reviewer.email);
    const reviewerContext = await newContext(browser(), { javaScriptEnabled: false });
    const review = await reviewerContext.newPage();
    await signIn(review, webUrl, reviewer.email, reviewer.password, `/terms/${term.id}`);
    await review.getByTestId('edit-term').locator('summary').click();
    await review.locator('#field-status').selectOption('validated');
    await review.getByTestId('save-term').click();
    const gate = review.getByTestId('validation-gate');
    await gate.waitFor({ timeout: 15_000 });
    expect(await gate.locator('[data-testid="gate-finding"][data-type="circular_definition"]').count()).toBe(
      1,
    );

    await review.locator('#field-reason').fill('  court  ');
    await review.getByTestId('override-submit').click();
    await review.locator('#field-reason-error').waitFor({ timeout: 15_000 });
    expect(await review.locator('#field-reason-error').textContent()).toBe(
      'Expliquez la dérogation en 10 caractères au moins.',
    );
    // The gate is still there, its findings read again from the term's validations; the reason is kept.
    expect(await gate.locator('[data-testid="gate-finding"][data-type="circular_definition"]').count()).toBe(
      1,
    );
    expect(await review.locator('#field-reason').inputValue()).toBe('  court  ');

    await review.locator('#field-reason').fill('Définition volontairement autoréférente, pour l’exemple.');
    await review.getByTestId('override-submit').click();
    await review.getByTestId('term-validated').waitFor({ timeout: 15_000 });
    expect((await api.getTerm(token, term.id)).status).toBe('validated');
    await reviewerContext.close();
  });

  it('a reader who may not validate sees why; the history shows older checks on demand', async () => {
    const { webUrl } = stackUrls();
    const api = apiClient();
    const id = randomUUID().slice(0, 8);
    const author = await api.createUser('history');
    const { access_token: token } = await api.login(author);
    const term = await api.createTerm(token, {
      term: `Ontologie lexicale ${id}`,
      definition: 'Ensemble structuré de termes définis, reliés par des relations typées entre eux.',
      domain: 'Linguistique',
    });
    for (let i = 0; i < 12; i++) await api.validate(token, term.id);

    const reader = await api.createUser('reader');
    const context = await newContext(browser(), { locale: 'en-GB' });
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, reader.email, reader.password, `/terms/${term.id}`);
    await waitForHydration(page);

    const button = page.getByTestId('validate-now');
    expect(await button.isDisabled()).toBe(true);
    expect(await page.locator('#validate-hint').textContent()).toBe(
      'Only the author of this term and reviewers (administrators) can run a validation.',
    );
    expect(await button.getAttribute('aria-describedby')).toBe('validate-hint');
    expect(await page.getByTestId('quality-empty').textContent()).toContain('No finding');
    expect(await page.getByTestId('quality-checked').textContent()).toMatch(
      /^Last checked on .+ by the rules\.$/,
    );

    await openHistory(page);
    expect(await page.getByTestId('validation-record').count()).toBe(10);
    expect(await page.getByTestId('validation-history').locator('summary').textContent()).toBe(
      '10 checks shown',
    );
    await page.getByTestId('history-more').click();
    await page.waitForURL((url) => url.searchParams.get('history') === '20');
    await expect.poll(() => page.getByTestId('validation-record').count()).toBeGreaterThanOrEqual(12);
    expect(await page.getByTestId('history-more').count()).toBe(0);
    // Focus moves to the first record the link brought.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('validation-record');
    await screenshot(page, 'validation-history-en-light');
    await context.close();
  });
});
