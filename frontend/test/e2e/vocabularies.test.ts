/**
 * The vocabulary pages in a real browser against the real API: create a vocabulary, change its settings,
 * add a member and change their role; a member without the right sees the settings read-only; every page
 * axe-clean and without horizontal scrolling at 360 px.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newContext, runAxe, scrollWidth, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

describe('the vocabulary pages', () => {
  it('create a vocabulary, change its settings, and manage its members', async () => {
    const api = apiClient();
    const owner = await api.createUser('vocab-owner');
    const colleague = await api.createUser('vocab-colleague');
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, owner.email, owner.password, '/vocabularies');
    await waitForHydration(page);
    const slug = `e2e-${randomUUID().slice(0, 8)}`;

    // A bad language tag is named by its field; the typed values stay.
    const create = page.getByTestId('create-vocabulary');
    await create.locator('#field-slug').fill(slug);
    await create.locator('#field-title').fill('Clinical terms');
    await create.locator('#field-default_language').fill('english');
    await create.locator('button[type=submit]').click();
    await expect.poll(() => page.locator('#field-default_language-error').count()).toBe(1);
    expect(await create.locator('#field-slug').inputValue()).toBe(slug);
    await create.locator('#field-default_language').fill('en');
    await create.locator('#field-languages').fill('en, fr');
    await create.locator('button[type=submit]').click();
    await page.waitForURL((url) => url.pathname === `/vocabularies/${slug}`);
    expect(await page.locator('h1').textContent()).toBe('Clinical terms');
    expect(await page.getByRole('status').first().textContent()).toContain('you are its owner');

    // Settings: visibility and licence.
    const settings = page.getByTestId('vocabulary-settings');
    await settings.locator('input[name=visibility][value=public]').check();
    await settings.locator('#field-license').fill('CC-BY-4.0');
    await settings.locator('button[type=submit]').click();
    await expect.poll(() => page.getByText('Settings saved.').count()).toBeGreaterThan(0);
    const { access_token: token } = await api.login(owner);
    const stored = await api.json('GET', `/api/vocabularies/${slug}`, { token });
    expect(stored).toMatchObject({ visibility: 'public', license: 'CC-BY-4.0', version: 2 });

    // Members: add the colleague as a viewer, then make them an editor.
    const grant = page.getByTestId('grant-role');
    await grant.locator('#field-email').fill(colleague.email);
    await grant.locator('select[name=role]').selectOption('viewer');
    await grant.locator('button[type=submit]').click();
    await expect.poll(() => page.getByTestId('member').count()).toBe(2);
    // The colleague's row: the owner's own row offers to leave instead.
    const row = page
      .getByTestId('member')
      .filter({ hasNot: page.getByRole('button', { name: 'Leave this vocabulary' }) });
    await row.locator('select[name=role]').selectOption('editor');
    await row.getByRole('button', { name: 'Change the role' }).click();
    // The selection alone proves nothing: wait until the API has the new role.
    const roles = async () =>
      (
        await api.json<{ items: { role: string }[] }>('GET', `/api/vocabularies/${slug}/members`, { token })
      ).items
        .map((member) => member.role)
        .sort();
    await expect.poll(roles).toEqual(['editor', 'owner']);
    await expect.poll(() => page.getByText('Role granted.').count()).toBeGreaterThan(0);

    // A concept added from here goes to this vocabulary, under the notation given; a second one with the
    // same notation is refused on that field.
    for (const attempt of ['first', 'again'] as const) {
      await page.goto(`${webUrl}/terms/new?vocabulary=${slug}`);
      await waitForHydration(page);
      expect(await page.locator('#field-vocabulary').inputValue()).toBe(slug);
      await page.locator('#field-term').fill(attempt === 'first' ? 'Triage' : 'Triage again');
      await page.locator('#field-definition').fill('Sorting patients by the urgency of their need for care.');
      await page.locator('#field-notation').fill('c1');
      await page.getByTestId('new-term-form').locator('button').last().click();
      if (attempt === 'first') await page.waitForURL((url) => /^\/terms\/[0-9a-f-]{36}$/.test(url.pathname));
    }
    await expect.poll(() => page.locator('#field-notation-error').count()).toBe(1);
    const concepts = await api.json<{ items: { iri: string }[] }>('GET', `/api/terms?vocabulary=${slug}`, {
      token,
    });
    expect(concepts.items.map((item) => item.iri)).toEqual([expect.stringMatching(/\/c1$/)]);
    await page.goto(`${webUrl}/vocabularies/${slug}`);

    const axe = await runAxe(page);
    expect(axe.blocking, axe.report).toBe(0);
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);
    await context.close();

    // The colleague, an editor, reads the settings but cannot change them.
    const theirs = await newContext(browser());
    await theirs.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const theirPage = await theirs.newPage();
    await signIn(theirPage, webUrl, colleague.email, colleague.password, `/vocabularies/${slug}`);
    expect(await theirPage.getByText('Only owners change these settings.').count()).toBe(1);
    expect(await theirPage.getByTestId('vocabulary-settings').count()).toBe(0);
    expect(await theirPage.getByTestId('grant-role').count()).toBe(0);
    await theirPage.goto(`${webUrl}/vocabularies`);
    const axeList = await runAxe(theirPage);
    expect(axeList.blocking, axeList.report).toBe(0);
    expect(await theirPage.getByTestId('vocabulary').filter({ hasText: 'Clinical terms' }).count()).toBe(1);
    await theirs.close();
  });
});

describe('the term page of a concept', () => {
  it('shows its labels per language, sources, notes, mappings and replacement, axe-clean', async () => {
    const api = apiClient();
    const owner = await api.createUser('concept-owner');
    const { access_token: token } = await api.login(owner);
    const slug = `parts-${randomUUID().slice(0, 8)}`;
    await api.json('POST', '/api/vocabularies', {
      token,
      body: { slug, title: { en: 'Parts' }, default_language: 'en', languages: ['en', 'fr'] },
    });
    const replacement = await api.json<{ id: string }>('POST', '/api/terms', {
      token,
      body: {
        vocabulary: slug,
        term: 'Knowledge discovery',
        definition: 'Finding useful patterns in large data.',
      },
    });
    const concept = await api.json<{ id: string }>('POST', '/api/terms', {
      token,
      body: {
        vocabulary: slug,
        term: 'Data mining',
        definition: 'The old name of the search for patterns in large collections of data.',
        pref_labels: { fr: 'Exploration de données' },
        alt_labels: [
          { language: 'en', text: 'DM', kind: 'abbreviation' },
          { language: 'fr', text: 'Fouille de données', kind: 'synonym' },
        ],
        hidden_labels: [{ language: 'en', text: 'datamining', kind: 'other' }],
        definitions: { fr: 'L’ancien nom de la recherche de motifs dans de grandes masses de données.' },
        sources: [{ language: 'en', citation: 'Fayyad et al. (1996)', url: 'https://example.org/kdd' }],
        notes: [{ kind: 'scope', language: 'en', text: 'Superseded by knowledge discovery.' }],
        mappings: [
          { type: 'closeMatch', iri: 'http://www.wikidata.org/entity/Q172491', label: 'data mining' },
        ],
      },
    });
    await api.json('PATCH', `/api/terms/${concept.id}`, {
      token,
      body: { status: 'deprecated', replaced_by: [replacement.id], version: 1 },
    });
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, owner.email, owner.password, `/terms/${concept.id}`);
    const parts = page.getByTestId('concept-parts');
    expect(await parts.getByTestId('labels-fr').textContent()).toContain('Exploration de données');
    expect(await parts.getByTestId('labels-fr').textContent()).toContain('Fouille de données');
    expect(await parts.getByTestId('labels-en').textContent()).toContain('abbreviation');
    expect(await parts.getByTestId('sources').textContent()).toContain('Fayyad et al. (1996)');
    expect(await parts.getByTestId('mappings').locator('a').getAttribute('href')).toBe(
      'http://www.wikidata.org/entity/Q172491',
    );
    expect(await parts.getByTestId('replaced-by').getAttribute('href')).toBe(`/terms/${replacement.id}`);
    const axe = await runAxe(page);
    expect(axe.blocking, axe.report).toBe(0);
    // At 360 px from the first paint (the graph's canvas is sized when the page loads).
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 360, height: 800 });
    await narrow.goto(`${webUrl}/terms/${concept.id}`);
    await narrow.getByTestId('concept-parts').waitFor();
    expect(await scrollWidth(narrow)).toBeLessThanOrEqual(360);
    await context.close();
  });
});

describe('editing the parts of a concept', () => {
  it('edits labels per language with tabs and chips, sources and mappings; errors land on their tab; a conflict keeps what was typed', async () => {
    const api = apiClient();
    const owner = await api.createUser('parts-editor');
    const { access_token: token } = await api.login(owner);
    const slug = `edit-${randomUUID().slice(0, 8)}`;
    await api.json('POST', '/api/vocabularies', {
      token,
      body: { slug, title: { en: 'Editing' }, default_language: 'en', languages: ['en', 'fr', 'de'] },
    });
    const concept = await api.json<{ id: string }>('POST', '/api/terms', {
      token,
      body: {
        vocabulary: slug,
        term: 'Machine learning',
        definition: 'The study of algorithms that improve through experience with data.',
        alt_labels: [{ language: 'en', text: 'Statistical learning', kind: 'synonym' }],
      },
    });
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await signIn(page, webUrl, owner.email, owner.password, `/terms/${concept.id}`);
    await waitForHydration(page);
    const editor = page.getByTestId('edit-parts');
    await editor.locator('summary').click();

    // Tabs follow the keyboard: → from English selects French.
    await editor.getByTestId('parts-tab-en').focus();
    await page.keyboard.press('ArrowRight');
    expect(await editor.getByTestId('parts-tab-fr').getAttribute('aria-selected')).toBe('true');
    expect(await editor.getByTestId('parts-panel-en').isHidden()).toBe(true);
    await editor.getByTestId('pref-fr').fill('Apprentissage automatique');
    await editor
      .getByTestId('definition-fr')
      .fill("L'étude des algorithmes qui s'améliorent par l'expérience.");
    const french = editor.getByTestId('parts-panel-fr');
    await french.getByRole('button', { name: 'Add an alternative label' }).click();
    await page.keyboard.type('Apprentissage machine');

    // English: the synonym becomes an abbreviation, one label is removed, a source is added.
    await editor.getByTestId('parts-tab-en').click();
    const english = editor.getByTestId('parts-panel-en');
    await english.getByRole('button', { name: 'Add an alternative label' }).click();
    await page.keyboard.type('ML');
    await english.getByLabel('alternative label 2 : Kind').selectOption('abbreviation');
    await english.getByRole('button', { name: 'Remove alternative label 1' }).click();
    await english.getByRole('button', { name: 'Add a source' }).click();
    await page.keyboard.type('Mitchell, T. (1997). Machine Learning.');

    // German: a source whose address is not one; the save is refused and the German tab says why.
    await editor.getByTestId('parts-tab-de').click();
    const german = editor.getByTestId('parts-panel-de');
    await german.getByRole('button', { name: 'Add a source' }).click();
    await german.getByLabel('Address (URL)').fill('not an address');
    await editor.getByTestId('parts-tab-en').click();
    await editor.getByRole('button', { name: 'Add a mapping' }).click();
    await page.keyboard.type('http://www.wikidata.org/entity/Q2539');
    await editor.getByTestId('save-parts').click();
    await expect.poll(() => editor.getByTestId('parts-tab-de').getAttribute('aria-selected')).toBe('true');
    expect(await editor.getByTestId('parts-tab-de').textContent()).toContain('has errors');
    expect(await german.getByLabel('Address (URL)').getAttribute('aria-invalid')).toBe('true');
    // Nothing was saved, and what was typed is all still there.
    expect(await api.json<{ version: number }>('GET', `/api/terms/${concept.id}`, { token })).toMatchObject({
      version: 1,
    });
    expect(await editor.getByTestId('pref-fr').inputValue()).toBe('Apprentissage automatique');

    // Someone else saves first: the next save says so and keeps the typed values; saving again applies them.
    await german.getByLabel('Address (URL)').fill('https://de.wikipedia.org/wiki/Maschinelles_Lernen');
    await api.json('PATCH', `/api/terms/${concept.id}`, { token, body: { level: 'advanced', version: 1 } });
    await editor.getByTestId('save-parts').click();
    await expect.poll(() => editor.getByText('Someone saved version 2').count()).toBe(1);
    expect(await editor.getByTestId('pref-fr').inputValue()).toBe('Apprentissage automatique');
    const axe = await runAxe(page);
    expect(axe.blocking, axe.report).toBe(0);
    await editor.getByTestId('save-parts').click();
    await page.getByTestId('parts-saved').waitFor();

    const saved = await api.json<Record<string, unknown>>('GET', `/api/terms/${concept.id}`, { token });
    expect(saved).toMatchObject({
      version: 3,
      level: 'advanced',
      pref_labels: { fr: 'Apprentissage automatique' },
      alt_labels: [
        { language: 'en', text: 'ML', kind: 'abbreviation' },
        { language: 'fr', text: 'Apprentissage machine', kind: 'synonym' },
      ],
      // By language, then in the order given.
      sources: [
        { language: 'de', citation: null, url: 'https://de.wikipedia.org/wiki/Maschinelles_Lernen' },
        { language: 'en', citation: 'Mitchell, T. (1997). Machine Learning.', url: null },
      ],
      mappings: [
        { type: 'exactMatch', iri: 'http://www.wikidata.org/entity/Q2539', term_id: null, label: null },
      ],
    });
    const parts = page.getByTestId('concept-parts');
    expect(await parts.getByTestId('labels-fr').textContent()).toContain('Apprentissage machine');
    // The list in another content language than the interface's: the French label, the total.
    await page.goto(`${webUrl}/terms?vocabulary=${slug}`);
    await page.locator('#terms-lang').selectOption('fr');
    await page.getByRole('search').getByRole('button').first().click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'fr');
    expect(await page.getByTestId('term-item').getByRole('link').first().textContent()).toBe(
      'Apprentissage automatique',
    );
    expect(await page.getByTestId('term-total').textContent()).toContain('1 term in all');
    // At 360 px from the first paint (the graph's canvas is sized when the page loads), the editor open.
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 360, height: 800 });
    await narrow.goto(`${webUrl}/terms/${concept.id}`);
    await waitForHydration(narrow);
    await narrow.getByTestId('edit-parts').locator('summary').click();
    expect(await scrollWidth(narrow)).toBeLessThanOrEqual(360);
    await context.close();
  });
});

describe('browsing a public vocabulary without signing in', () => {
  it('lists it on the home page, searches its labels in any language, and opens a concept; a private one is not there', async () => {
    const api = apiClient();
    const owner = await api.createUser('browse-owner');
    const { access_token: token } = await api.login(owner);
    const slug = `public-${randomUUID().slice(0, 8)}`;
    const secret = `secret-${randomUUID().slice(0, 8)}`;
    for (const [name, visibility] of [
      [slug, 'public'],
      [secret, 'private'],
    ] as const)
      await api.json('POST', '/api/vocabularies', {
        token,
        body: {
          slug: name,
          title: { en: `Vocabulary ${name}` },
          default_language: 'en',
          languages: ['en', 'fr'],
          visibility,
        },
      });
    const create = (term: string, extra: Record<string, unknown> = {}) =>
      api.json<{ id: string }>('POST', '/api/terms', {
        token,
        body: {
          vocabulary: slug,
          term,
          definition: `The ${term} of machines, told in a sentence.`,
          ...extra,
        },
      });
    const learning = await create('Machine learning', { pref_labels: { fr: 'Apprentissage automatique' } });
    const concept = await create('Reinforcement learning', {
      definition: 'Learning a policy from the rewards an agent receives for its actions.',
      pref_labels: { fr: 'Apprentissage par renforcement' },
    });
    const qLearning = await create('Q-learning');
    for (const [source, target] of [
      [concept, learning],
      [qLearning, concept],
    ] as const)
      await api.json('POST', `/api/terms/${source.id}/relations`, {
        token,
        body: { target_id: target.id, type: 'is_a' },
      });
    const { webUrl } = stackUrls();
    const context = await newContext(browser());
    await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
    const page = await context.newPage();
    await page.goto(`${webUrl}/`);
    const listed = page.getByTestId('browse-vocabularies');
    expect(await listed.getByRole('link', { name: `Vocabulary ${slug}` }).count()).toBe(1);
    expect(await listed.getByRole('link', { name: `Vocabulary ${secret}` }).count()).toBe(0);

    await listed.getByRole('link', { name: `Vocabulary ${slug}` }).click();
    await page.waitForURL((url) => url.pathname === `/browse/${slug}`);
    await waitForHydration(page);
    expect(await page.getByTestId('browse-total').textContent()).toContain('All concepts (3)');

    // The tree: only the top concept comes with the page; → opens a branch (fetched then), ↓ walks into
    // it, Enter opens the concept.
    const tree = page.getByTestId('hierarchy-tree');
    expect(await tree.getByTestId('tree-node').count()).toBe(1);
    await tree.getByTestId('tree-node').first().focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tree.getByTestId('tree-node').count()).toBe(2);
    expect(await tree.getByTestId('tree-node').first().getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tree.getByTestId('tree-node').count()).toBe(3);
    await page.keyboard.press('ArrowLeft');
    expect(await tree.getByTestId('tree-node').count()).toBe(2);
    const axeTree = await runAxe(page);
    expect(axeTree.blocking, axeTree.report).toBe(0);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === `/browse/${slug}/${concept.id}`);
    expect(await page.getByTestId('concept-broader').textContent()).toContain('Machine learning');
    expect(await page.getByTestId('concept-narrower').textContent()).toContain('Q-learning');
    // The content language, apart from the interface's: the French label heads the page.
    await page.getByTestId('content-language').selectOption('fr');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL((url) => url.searchParams.get('lang') === 'fr');
    expect(await page.getByTestId('concept-label').textContent()).toContain('Apprentissage par renforcement');
    expect(await page.getByTestId('labels-fr').textContent()).toContain('Apprentissage par renforcement');
    const axeConcept = await runAxe(page);
    expect(axeConcept.blocking, axeConcept.report).toBe(0);

    // Search any language: the hit is marked, what matched is said, with its quality.
    await page.goto(`${webUrl}/browse/${slug}?lang=fr`);
    await page.locator('#browse-q').fill('renforc');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => url.searchParams.get('q') === 'renforc');
    expect(await page.getByTestId('browse-total').textContent()).toContain('Concepts found: 1');
    const results = page.getByTestId('browse-results');
    expect(await results.locator('a mark').first().textContent()).toBe('renforc');
    expect(await results.getByRole('link').first().textContent()).toBe('Apprentissage par renforcement');
    // The background validation may or may not have run yet: the badge says which, in words.
    expect(await results.getByTestId('quality-badge').textContent()).toMatch(
      /^Quality: (not checked yet|no problems|(errors|warnings): \d)/,
    );
    const axe = await runAxe(page);
    expect(axe.blocking, axe.report).toBe(0);
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(360);

    const hidden = await page.goto(`${webUrl}/browse/${secret}`);
    expect(hidden?.status()).toBe(404);
    await context.close();
  });
});
