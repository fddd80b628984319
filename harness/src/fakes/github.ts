import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for github.com and api.github.com on loopback that follows GitHub's documented OAuth app
 * flow: /login/oauth/authorize redirects back with a code, /login/oauth/access_token answers as JSON or
 * as a form depending on Accept (errors with status 200, as GitHub does), and the REST endpoints
 * /user and /user/emails need the issued token.
 */
export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
  /** Public profile email; null when the user keeps it private (GitHub's default). */
  email: string | null;
  emails: { email: string; primary: boolean; verified: boolean; visibility: 'public' | 'private' | null }[];
}

export interface FakeGitHub {
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who approves the next authorization request; null means the user clicks "Cancel". */
  signInAs(user: GitHubUser | null): void;
  /** Makes the token endpoint fail like an outage. */
  setOutage(mode: 'none' | 'bad-gateway' | 'hang'): void;
  /** Codes issued so far (to replay one). */
  issuedCodes(): string[];
  close(): Promise<void>;
}

interface PendingCode {
  user: GitHubUser;
  redirectUri: string;
  /** PKCE (RFC 7636): empty when the authorization request carried no challenge. */
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
  used: boolean;
}

export async function startFakeGitHub(): Promise<FakeGitHub> {
  const clientId = `Iv1.${randomBytes(8).toString('hex')}`;
  const clientSecret = randomBytes(20).toString('hex');
  const codes = new Map<string, PendingCode>();
  const tokens = new Map<string, GitHubUser>();
  let current: GitHubUser | null = null;
  let outage: 'none' | 'bad-gateway' | 'hang' = 'none';
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'GET' && url.pathname === '/login/oauth/authorize')
      return authorize(url, response);
    if (request.method === 'POST' && url.pathname === '/login/oauth/access_token')
      return accessToken(request, response);
    if (request.method === 'GET' && (url.pathname === '/user' || url.pathname === '/user/emails')) {
      const user = tokens.get((request.headers.authorization ?? '').replace(/^(Bearer|token) /i, ''));
      if (!user)
        return json(response, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        });
      if (url.pathname === '/user')
        return json(response, 200, {
          id: user.id,
          login: user.login,
          name: user.name,
          email: user.email,
          type: 'User',
        });
      return json(response, 200, user.emails);
    }
    json(response, 404, { message: 'Not Found' });
  }

  function authorize(url: URL, response: ServerResponse): void {
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    const state = url.searchParams.get('state');
    const target = new URL(redirectUri);
    if (url.searchParams.get('client_id') !== clientId) {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>404</h1>');
      return;
    }
    if (state) target.searchParams.set('state', state);
    if (!current) {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user has denied your application access.');
      target.searchParams.set('error_uri', 'https://docs.github.com/apps/troubleshooting');
    } else {
      const code = randomBytes(10).toString('hex');
      codes.set(code, {
        user: current,
        redirectUri,
        codeChallenge: url.searchParams.get('code_challenge') ?? '',
        codeChallengeMethod: url.searchParams.get('code_challenge_method') === 'S256' ? 'S256' : 'plain',
        used: false,
      });
      target.searchParams.set('code', code);
    }
    response.writeHead(302, { location: target.toString() }).end();
  }

  async function accessToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (outage === 'hang') {
      hanging.add(response);
      return;
    }
    if (outage === 'bad-gateway') {
      response
        .writeHead(502, { 'content-type': 'text/html' })
        .end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    const body = new URLSearchParams(await readBody(request));
    const basic = parseBasic(request.headers.authorization);
    const id = body.get('client_id') ?? basic?.id;
    const secret = body.get('client_secret') ?? basic?.secret;
    const asJson = (request.headers.accept ?? '').includes('application/json');
    const reply = (payload: Record<string, string>): void => {
      if (asJson) return json(response, 200, payload);
      response
        .writeHead(200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' })
        .end(new URLSearchParams(payload).toString());
    };
    if (id !== clientId || secret !== clientSecret)
      return reply({
        error: 'incorrect_client_credentials',
        error_description: 'The client_id and/or client_secret passed are incorrect.',
      });
    const pending = codes.get(body.get('code') ?? '');
    if (
      !pending ||
      pending.used ||
      !verifierMatches(pending, body.get('code_verifier')) ||
      pending.redirectUri !== body.get('redirect_uri')
    ) {
      if (pending) pending.used = true;
      return reply({
        error: 'bad_verification_code',
        error_description: 'The code passed is incorrect or expired.',
        error_uri: 'https://docs.github.com/apps/troubleshooting',
      });
    }
    pending.used = true;
    const token = `gho_${randomBytes(18).toString('hex')}`;
    tokens.set(token, pending.user);
    reply({ access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    clientId,
    clientSecret,
    signInAs: (user) => (current = user),
    setOutage: (mode) => (outage = mode),
    issuedCodes: () => [...codes.keys()],
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * As GitHub does: a code issued for a PKCE challenge is redeemed only with its verifier (S256, or plain
 * when the request said so or named no method); a code issued without a challenge needs none.
 */
function verifierMatches(pending: PendingCode, verifier: string | null): boolean {
  if (!pending.codeChallenge) return true;
  if (!verifier) return false;
  const derived =
    pending.codeChallengeMethod === 'S256'
      ? createHash('sha256').update(verifier).digest('base64url')
      : verifier;
  return derived === pending.codeChallenge;
}

function json(response: ServerResponse, status: number, payload: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    .end(JSON.stringify(payload));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function parseBasic(header: string | undefined): { id: string; secret: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const [id, secret] = Buffer.from(header.slice(6), 'base64').toString().split(':');
  return id && secret ? { id: decodeURIComponent(id), secret: decodeURIComponent(secret) } : null;
}
