import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID Provider (panva's oidc-provider) on loopback, standing in for Google: discovery, JWKS,
 * signed ID tokens, PKCE. Sign-in and consent are answered by the test (`signInAs`) instead of a form.
 */
export interface OidcAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
}

export interface OidcIssuer {
  issuer: string;
  clientId: string;
  clientSecret: string;
  signInAs(account: OidcAccount | null): void;
  /** Publishes a JWKS that does not contain the signing key, so every ID token fails verification. */
  tamperWithJwks(on: boolean): void;
  close(): Promise<void>;
}

export async function startOidcIssuer(redirectUris: string[]): Promise<OidcIssuer> {
  const clientId = `lexikon-${randomBytes(4).toString('hex')}.apps.example`;
  const clientSecret = randomBytes(24).toString('base64url');
  let current: OidcAccount | null = null;
  let tamper = false;
  const accounts = new Map<string, OidcAccount>();
  const signingKey = {
    ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
    kid: 'signing',
    use: 'sig',
    alg: 'RS256',
  };
  const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    jwks: { keys: [signingKey as never] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: {
      url: (_context: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    findAccount: async (_context: unknown, sub: string) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ ...account }) };
    },
  });
  const callback = provider.callback();

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (path.startsWith('/interaction/')) {
      void finishInteraction(request, response).catch((error: unknown) =>
        response.writeHead(500).end(String(error)),
      );
      return;
    }
    if (tamper && path === '/jwks') {
      response
        .writeHead(200, { 'content-type': 'application/jwk-set+json' })
        .end(JSON.stringify({ keys: [{ ...otherKey, kid: 'signing', use: 'sig', alg: 'RS256' }] }));
      return;
    }
    callback(request, response);
  });

  // The user "signs in and consents" (or cancels) without a form: the test decides who they are.
  async function finishInteraction(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (!current) {
      await provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    accounts.set(current.sub, current);
    const grant = new provider.Grant({ accountId: current.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? 'openid email profile'));
    const grantId = await grant.save();
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: current.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs: (account) => (current = account),
    tamperWithJwks: (on) => (tamper = on),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
