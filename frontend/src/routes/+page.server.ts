import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  try {
    return { stats: await call(locals.api.GET('/api/stats')) };
  } catch (error) {
    failLoad(error, url);
  }
};
