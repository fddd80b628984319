import { AppError } from '../../platform/errors.ts';

const providerLabel = (provider: string) =>
  provider === 'github' ? 'GitHub' : provider === 'google' ? 'Google' : provider;

/** The ways a sign-in with a provider can fail, each with a code the web app turns into a message. */
export const oauthErrors = {
  notConfigured: (provider: string) =>
    new AppError({
      code: 'oauth-provider-not-configured',
      status: 404,
      title: 'Unknown sign-in provider',
      detail: `Signing in with ${providerLabel(provider)} is not configured on this server.`,
    }),
  denied: (provider: string) =>
    new AppError({
      code: 'oauth-denied',
      status: 400,
      title: 'Sign-in cancelled',
      detail: `You did not authorise Lexikon at ${providerLabel(provider)}.`,
    }),
  stateInvalid: () =>
    new AppError({
      code: 'oauth-state-invalid',
      status: 400,
      title: 'Sign-in link expired or not yours',
      detail: 'This sign-in attempt is unknown, expired or already used. Start again from the sign-in page.',
    }),
  codeInvalid: (provider: string) =>
    new AppError({
      code: 'oauth-code-invalid',
      status: 400,
      title: 'Sign-in code rejected',
      detail: `${providerLabel(provider)} refused the sign-in code (expired or already used). Start again.`,
    }),
  providerUnavailable: (provider: string, detail?: string, cause?: unknown) =>
    new AppError({
      code: 'oauth-provider-unavailable',
      status: 502,
      title: 'Sign-in provider unavailable',
      detail: detail ?? `${providerLabel(provider)} did not answer properly. Try again in a moment.`,
      cause,
    }),
  emailUnverified: (provider: string, matchesAccount: boolean) =>
    new AppError({
      code: 'oauth-email-unverified',
      status: 422,
      title: 'Email not verified',
      detail: matchesAccount
        ? `An account uses this email, but ${providerLabel(provider)} has not verified that it is yours, so we cannot link them. Verify the email at ${providerLabel(provider)}, or sign in with your password and link ${providerLabel(provider)} from your profile.`
        : `${providerLabel(provider)} has no verified primary email for your account. Verify one at ${providerLabel(provider)}, then try again.`,
    }),
  idTokenInvalid: (
    detail = 'The identity token from the provider failed verification (signature, issuer, audience, expiry or nonce).',
  ) =>
    new AppError({ code: 'oauth-id-token-invalid', status: 400, title: 'Identity token rejected', detail }),
  linkedElsewhere: (provider: string) =>
    new AppError({
      code: 'oauth-account-linked-elsewhere',
      status: 409,
      title: 'Already linked',
      detail: `This ${providerLabel(provider)} account is already linked to another Lexikon account.`,
    }),
  notLinked: (provider: string) =>
    new AppError({
      code: 'oauth-not-linked',
      status: 404,
      title: 'Not linked',
      detail: `${providerLabel(provider)} is not linked to your account.`,
    }),
  lastSignInMethod: (provider: string) =>
    new AppError({
      code: 'last-sign-in-method',
      status: 409,
      title: 'Last way to sign in',
      detail: `${providerLabel(provider)} is your only way to sign in. Set a password or link another provider first.`,
    }),
};

interface OAuthLibraryError {
  name?: string;
  code?: string;
  error?: string;
  status?: number;
  cause?: unknown;
}

/**
 * Maps what openid-client throws (codes from oauth4webapi) and network failures to our catalogue. The
 * provider's answer decides: a refused code is the user's to retry, a 5xx or a timeout is the provider's.
 */
export function classifyOAuthFailure(error: unknown, provider: string, oidc: boolean): AppError {
  if (error instanceof AppError) return error;
  const failure = (error ?? {}) as OAuthLibraryError;
  if (failure.name === 'TimeoutError' || failure.name === 'AbortError' || error instanceof TypeError)
    return oauthErrors.providerUnavailable(provider, undefined, error);
  switch (failure.code) {
    case 'OAUTH_RESPONSE_BODY_ERROR':
      if ((failure.status ?? 0) >= 500) return oauthErrors.providerUnavailable(provider, undefined, error);
      if (failure.error === 'invalid_grant' || failure.error === 'bad_verification_code')
        return oauthErrors.codeInvalid(provider);
      return oauthErrors.providerUnavailable(
        provider,
        `${providerLabel(provider)} refused this server's request (${failure.error ?? 'error'}); the OAuth app may be misconfigured.`,
        error,
      );
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return oauthErrors.stateInvalid();
    case 'OAUTH_INVALID_RESPONSE':
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
    case 'OAUTH_KEY_SELECTION_FAILED':
      if (oidc) return oauthErrors.idTokenInvalid();
      return oauthErrors.providerUnavailable(provider, undefined, error);
    default:
      return oauthErrors.providerUnavailable(provider, undefined, error);
  }
}
