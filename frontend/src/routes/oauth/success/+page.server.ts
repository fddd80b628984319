import { redirect } from '@sveltejs/kit';
import { loginUrl, safeNextPath } from '#lib/navigation.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (!locals.session) redirect(303, loginUrl(url));
  return { next: safeNextPath(url.searchParams.get('next'), '/profile') };
};
