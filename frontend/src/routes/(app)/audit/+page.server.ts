import { error } from '@sveltejs/kit';
import { auditActions, auditQuerySchema } from '@lexikon/contracts/audit';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { PageServerLoad } from './$types';

/** The audit log, newest first, keyset-paged; the API decides who may read it (administrators). */
export const load: PageServerLoad = async ({ locals, url }) => {
  const query = auditQuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) error(400, 'Unknown filter or page of the audit log.', { code: 'validation-failed' });
  try {
    const page = await call(locals.api.GET('/api/audit', { params: { query: query.data } }));
    return { page, query: query.data, actions: auditActions };
  } catch (cause) {
    failLoad(cause, url);
  }
};
