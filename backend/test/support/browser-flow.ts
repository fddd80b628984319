/**
 * Just enough of a browser to walk an OAuth redirect chain with fetch: follows redirects one by one,
 * keeps cookies (per host, as loopback servers differ only by port), and stops at the web app's
 * callback URL instead of requesting it.
 */
export class RedirectWalker {
  readonly #cookies = new Map<string, string>();
  readonly #stopAt: string;

  constructor(stopAt: string) {
    this.#stopAt = stopAt;
  }

  /** Follows `start` until a redirect points under `stopAt`; returns that URL. */
  async walk(start: string, maxHops = 15): Promise<URL> {
    let url = new URL(start);
    for (let hop = 0; hop < maxHops; hop++) {
      if (url.href.startsWith(this.#stopAt)) return url;
      const response = await fetch(url, {
        redirect: 'manual',
        headers: { cookie: this.#cookieHeader(url), accept: 'text/html' },
      });
      this.#remember(url, response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (!location || response.status < 300 || response.status >= 400)
        throw new Error(
          `expected a redirect from ${url}, got ${response.status}: ${(await response.text()).slice(0, 300)}`,
        );
      url = new URL(location, url);
    }
    throw new Error(`too many redirects from ${start}`);
  }

  #cookieHeader(url: URL): string {
    return [...this.#cookies.entries()]
      .filter(([key]) => key.startsWith(`${url.hostname}|`))
      .map(([key, value]) => `${key.split('|')[1]}=${value}`)
      .join('; ');
  }

  #remember(url: URL, setCookies: string[]): void {
    for (const header of setCookies) {
      const [pair] = header.split(';');
      const index = pair?.indexOf('=') ?? -1;
      if (!pair || index < 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const key = `${url.hostname}|${name}`;
      if (/expires=Thu, 01 Jan 1970/i.test(header) || /max-age=0/i.test(header)) this.#cookies.delete(key);
      else this.#cookies.set(key, value);
    }
  }
}
