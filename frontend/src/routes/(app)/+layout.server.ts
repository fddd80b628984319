import { redirect } from '@sveltejs/kit';
import { loginUrl } from '#lib/navigation.ts';
import type { LayoutServerLoad } from './$types';

/** Every page in (app) needs a signed-in user; others are sent to sign in and brought back. */
export const load: LayoutServerLoad = ({ locals, url }) => {
  if (!locals.session) redirect(303, loginUrl(url));
  return {};
};
