/**
 * Sentry DSNs (`https://<public key>@<host>[/<path>]/<project id>`): parsed once, compared by project,
 * turned into the envelope ingestion URL. No SDK code here: the server and the tunnel use it without
 * loading Sentry.
 */
export interface Dsn {
  /** `https:` or `http:` */
  protocol: string;
  publicKey: string;
  /** Host name and port, as in a URL's `host`. */
  host: string;
  /** Path before the project id, without a trailing slash (empty for sentry.io). */
  pathPrefix: string;
  projectId: string;
}

export function parseDsn(value: string): Dsn | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const match = /^(.*)\/(\d+)\/?$/.exec(url.pathname);
  if (!url.username || url.password || url.search || url.hash || !match) return null;
  return {
    protocol: url.protocol,
    publicKey: decodeURIComponent(url.username),
    host: url.host,
    pathPrefix: match[1] ?? '',
    projectId: match[2]!,
  };
}

/** The same Sentry project: same server, path, project and public key. */
export function sameProject(a: Dsn, b: Dsn): boolean {
  return (
    a.protocol === b.protocol &&
    a.host.toLowerCase() === b.host.toLowerCase() &&
    a.pathPrefix === b.pathPrefix &&
    a.projectId === b.projectId &&
    a.publicKey === b.publicKey
  );
}

/** Where envelopes for this project are posted (the DSN in the envelope header authenticates them). */
export function envelopeUrl(dsn: Dsn): string {
  return `${dsn.protocol}//${dsn.host}${dsn.pathPrefix}/api/${dsn.projectId}/envelope/`;
}
