import { AppError, errors } from '../../platform/errors.ts';

const providerLabel = (provider: string) =>
  provider === 'github' ? 'GitHub' : provider === 'google' ? 'Google' : provider;

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
    return errors.oauthProviderUnavailable(provider, undefined, error);
  switch (failure.code) {
    case 'OAUTH_RESPONSE_BODY_ERROR':
      if ((failure.status ?? 0) >= 500) return errors.oauthProviderUnavailable(provider, undefined, error);
      if (failure.error === 'invalid_grant' || failure.error === 'bad_verification_code')
        return errors.oauthCodeInvalid(provider);
      return errors.oauthProviderUnavailable(
        provider,
        `${providerLabel(provider)} refused this server's request (${failure.error ?? 'error'}); the OAuth app may be misconfigured.`,
        error,
      );
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return errors.oauthStateInvalid();
    case 'OAUTH_INVALID_RESPONSE':
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
    case 'OAUTH_KEY_SELECTION_FAILED':
      if (oidc) return errors.oauthIdTokenInvalid();
      return errors.oauthProviderUnavailable(provider, undefined, error);
    default:
      return errors.oauthProviderUnavailable(provider, undefined, error);
  }
}
