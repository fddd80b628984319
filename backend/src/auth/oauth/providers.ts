import * as client from 'openid-client';
import type { OAuthConfig } from '../../platform/config.ts';
import { errors } from '../../platform/errors.ts';

export type OAuthProviderName = 'github' | 'google';

/** Who the provider says the user is. */
export interface ProviderIdentity {
  providerUserId: string;
  email: string | null;
  emailVerified: boolean;
  username: string | null;
  fullName: string | null;
}

export interface AuthorizationChecks {
  state: string;
  codeVerifier: string;
  nonce: string | null;
}

/** A sign-in provider behind openid-client: authorization code flow with PKCE (S256) and state. */
export interface OAuthProvider {
  readonly name: OAuthProviderName;
  /** OpenID Connect providers also get a nonce, checked against the ID token. */
  readonly usesNonce: boolean;
  authorizationUrl(
    redirectUri: string,
    checks: AuthorizationChecks & { codeChallenge: string },
  ): Promise<URL>;
  identify(callbackUrl: URL, checks: AuthorizationChecks): Promise<ProviderIdentity>;
}

function configure(config: client.Configuration, oauth: OAuthConfig): client.Configuration {
  config.timeout = Math.ceil(oauth.timeoutMs / 1000);
  if (oauth.allowHttp) client.allowInsecureRequests(config);
  return config;
}

/**
 * GitHub speaks OAuth 2.0, not OpenID Connect: the identity comes from its REST API. The email is the
 * primary *verified* address from /user/emails, so users who keep their email private can still sign in.
 */
export function githubProvider(
  oauth: OAuthConfig & { github: NonNullable<OAuthConfig['github']> },
): OAuthProvider {
  const { github } = oauth;
  const config = configure(
    new client.Configuration(
      {
        issuer: github.webUrl,
        authorization_endpoint: `${github.webUrl}/login/oauth/authorize`,
        token_endpoint: `${github.webUrl}/login/oauth/access_token`,
      },
      github.clientId,
      github.clientSecret,
    ),
    oauth,
  );
  config[client.customFetch] = githubErrorsAsHttpErrors;
  const headers = () =>
    new Headers({
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'Lexikon',
    });

  async function getJson<T>(accessToken: string, path: string): Promise<T> {
    const response = await client.fetchProtectedResource(
      config,
      accessToken,
      new URL(`${github.apiUrl}${path}`),
      'GET',
      undefined,
      headers(),
    );
    if (!response.ok)
      throw errors.oauthProviderUnavailable('github', `GitHub answered ${response.status} to ${path}.`);
    return (await response.json()) as T;
  }

  return {
    name: 'github',
    usesNonce: false,
    async authorizationUrl(redirectUri, checks) {
      return client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'read:user user:email',
        state: checks.state,
        code_challenge: checks.codeChallenge,
        code_challenge_method: 'S256',
        allow_signup: 'true',
      });
    },
    async identify(callbackUrl, checks) {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
      });
      const user = await getJson<{ id: number; login: string; name: string | null }>(
        tokens.access_token,
        '/user',
      );
      const emails = await getJson<{ email: string; primary: boolean; verified: boolean }[]>(
        tokens.access_token,
        '/user/emails',
      );
      const primary = emails.find((entry) => entry.primary);
      return {
        providerUserId: String(user.id),
        email: primary?.email ?? null,
        emailVerified: primary?.verified === true,
        username: user.login,
        fullName: user.name,
      };
    },
  };
}

/**
 * GitHub's token endpoint reports errors such as `bad_verification_code` with status 200; OAuth 2.0 (and
 * openid-client) expect 400. Restoring the status lets the error be read as what it is.
 */
async function githubErrorsAsHttpErrors(url: string, options: client.CustomFetchOptions): Promise<Response> {
  const response = await fetch(url, options as RequestInit);
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').includes('json'))
    return response;
  const body = await response.text();
  const status = /"error"\s*:/.test(body) && !/"access_token"\s*:/.test(body) ? 400 : 200;
  return new Response(body, { status, headers: response.headers });
}

/**
 * Google (or any OpenID Connect issuer) found by discovery. openid-client verifies the ID token: its
 * signature against the issuer's JWKS, iss, aud, exp and our nonce.
 */
export function oidcProvider(
  oauth: OAuthConfig & { google: NonNullable<OAuthConfig['google']> },
): OAuthProvider {
  const { google } = oauth;
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = () => {
    discovered ??= client
      .discovery(new URL(google.issuer), google.clientId, google.clientSecret, undefined, {
        timeout: Math.ceil(oauth.timeoutMs / 1000),
        ...(oauth.allowHttp ? { execute: [client.allowInsecureRequests] } : {}),
      })
      .then((config) => {
        // openid-client trusts TLS for ID tokens from the token endpoint and skips the signature by
        // default; we want the JWKS signature checked too.
        client.enableNonRepudiationChecks(config);
        return configure(config, oauth);
      })
      .catch((error: unknown) => {
        discovered = undefined; // try discovery again next time
        throw error;
      });
    return discovered;
  };

  return {
    name: 'google',
    usesNonce: true,
    async authorizationUrl(redirectUri, checks) {
      return client.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state: checks.state,
        nonce: checks.nonce ?? '',
        code_challenge: checks.codeChallenge,
        code_challenge_method: 'S256',
      });
    },
    async identify(callbackUrl, checks) {
      const tokens = await client.authorizationCodeGrant(await configuration(), callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce ?? undefined,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw errors.oauthIdTokenInvalid('The provider sent no ID token.');
      return {
        providerUserId: claims.sub,
        email: typeof claims.email === 'string' ? claims.email : null,
        emailVerified: claims.email_verified === true,
        username: null,
        fullName: typeof claims.name === 'string' ? claims.name : null,
      };
    },
  };
}

/** The providers that have credentials; the others do not exist as far as users can tell. */
export function configuredProviders(oauth: OAuthConfig): Map<OAuthProviderName, OAuthProvider> {
  const providers = new Map<OAuthProviderName, OAuthProvider>();
  if (oauth.github) providers.set('github', githubProvider({ ...oauth, github: oauth.github }));
  if (oauth.google) providers.set('google', oidcProvider({ ...oauth, google: oauth.google }));
  return providers;
}

export { client as openIdClient };
