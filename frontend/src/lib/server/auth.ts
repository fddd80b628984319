import { LEXIKON_API_URL } from '$app/env/private';
import { ApiUnreachable } from './api.ts';
import { deduplicateRefreshes, type Refresher } from './session.ts';

/** POST /api/auth/refresh without a session: 401 means the refresh token is dead. */
const rotate: Refresher = async (refreshToken) => {
  let response: Response;
  try {
    response = await fetch(`${LEXIKON_API_URL}/api/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: refreshToken }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new ApiUnreachable('The Lexikon API did not answer.', { cause: error });
  }
  if (response.status === 200) return response.json();
  if (response.status === 400 || response.status === 401) return null;
  throw new ApiUnreachable(`The Lexikon API answered ${response.status} to a refresh.`);
};

export const refreshSession = deduplicateRefreshes(rotate);
