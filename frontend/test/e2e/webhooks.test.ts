/**
 * Webhook settings in a real browser against the real API and its delivery worker: an owner adds a webhook
 * for a loopback receiver, sees its secret once, a publication reaches the receiver signed with it, and the
 * delivery log shows the attempt; sending it again delivers the same event a second time.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newContext, signIn, waitForHydration } from '../support/browser.ts';
import { apiClient, stackUrls, useBrowser } from '../support/e2e.ts';

const browser = useBrowser();

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the webhooks page', () => {
  it('adds a webhook, shows its secret once, delivers signed events and redelivers them', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ headers: request.headers, body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lexikon`;
    try {
      const api = apiClient();
      const { webUrl } = stackUrls();
      const id = randomUUID().slice(0, 8);
      const slug = `hooks-${id}`;
      const owner = await api.createUser('hook_owner');
      const { access_token: token } = await api.login(owner);
      await api.json('POST', '/api/vocabularies', {
        token,
        body: { slug, title: { en: 'Hooked' }, default_language: 'en' },
      });

      const context = await newContext(browser());
      await context.addCookies([{ name: 'lexikon_locale', value: 'en', url: webUrl }]);
      const page = await context.newPage();
      await signIn(page, webUrl, owner.email, owner.password, `/vocabularies/${slug}`);
      await page.getByTestId('webhooks-link').click();
      await page.waitForURL(`**/vocabularies/${slug}/webhooks`);
      await waitForHydration(page);
      const form = page.getByTestId('create-webhook');
      await form.locator('input[name="url"]').fill(receiverUrl);
      await form.getByRole('button').click();
      await page.getByTestId('webhook-secret').waitFor();
      const secret = (await page.getByTestId('webhook-secret').textContent())!.trim();
      expect(secret).toMatch(/^whsec_/);
      await page.reload();
      expect(await page.getByTestId('webhook-secret').count()).toBe(0);

      let concept = await api.createTerm(token, {
        vocabulary: slug,
        term: `Lemma ${id}`,
        definition: 'The form of a word a dictionary lists.',
        domain: 'Linguistics',
      });
      for (const status of ['proposed', 'in_review', 'validated'])
        concept = await api.updateTerm(token, concept, { status });
      await until(() => received.length === 1, 'the delivery');
      const [delivery] = received;
      const [timestamp, signature] = String(delivery!.headers['lexikon-signature'])
        .split(',')
        .map((part) => part.split('=')[1]);
      expect(signature).toBe(
        createHmac('sha256', secret).update(`${timestamp}.${delivery!.body}`).digest('hex'),
      );
      expect(JSON.parse(delivery!.body)).toMatchObject({
        type: 'term.published',
        data: { vocabulary: slug, concept: { id: concept.id } },
      });

      await page.getByTestId('webhook-log-link').click();
      await page.getByTestId('delivery-log').waitFor();
      const logged = page.getByTestId('delivery').first();
      expect(await logged.getAttribute('data-status')).toBe('delivered');
      expect(await logged.getByTestId('delivery-attempt').textContent()).toMatch(/Attempt 1: 204 in \d+ ms/);
      await logged.getByTestId('redeliver').click();
      await page.getByTestId('webhook-redelivered').waitFor();
      await until(() => received.length === 2, 'the redelivery');
      expect(received[1]!.headers['lexikon-event-id']).toBe(delivery!.headers['lexikon-event-id']);
      await context.close();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
