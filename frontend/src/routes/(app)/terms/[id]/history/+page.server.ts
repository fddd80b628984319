import { error, fail } from '@sveltejs/kit';
import { restoreBodySchema } from '@lexikon/contracts/history';
import { formValues } from '#lib/forms.ts';
import { describeItem } from '#lib/history/changes.ts';
import { ApiProblem, call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import { redirectIfSignedOut, requireSession } from '#lib/terms/auth.server.ts';
import { termApiFailure } from '#lib/terms/failures.server.ts';
import { isUuid } from '#lib/terms/relations.ts';
import type { Actions, PageServerLoad } from './$types';

const PAGE_SIZE = 20;

interface Deletion {
  revision: number;
  version: number;
  deleted_at: string;
  deleted_by: string | null;
}

export const load: PageServerLoad = async ({ locals, params, url }) => {
  if (!isUuid(params.id)) error(404, 'No such term.', { code: 'term-not-found' });
  const path = { id: params.id };
  const beforeParam = url.searchParams.get('before');
  const before = beforeParam && /^\d{1,9}$/.test(beforeParam) ? Number(beforeParam) : undefined;
  const [history, term] = await Promise.allSettled([
    call(
      locals.api.GET('/api/terms/{id}/history', {
        params: { path, query: { limit: PAGE_SIZE, ...(before === undefined ? {} : { before }) } },
      }),
    ),
    call(locals.api.GET('/api/terms/{id}', { params: { path } })),
  ]);
  if (history.status === 'rejected') {
    if (history.reason instanceof ApiProblem && history.reason.status === 404)
      error(404, 'No such term.', { code: 'term-not-found' });
    failLoad(history.reason, url);
  }
  let deletion: Deletion | null = null;
  if (term.status === 'rejected') {
    if (term.reason instanceof ApiProblem && term.reason.problem.code === 'term-deleted')
      deletion = (term.reason.problem as { deletion?: Deletion }).deletion ?? null;
    else failLoad(term.reason, url);
  }
  const concept = term.status === 'fulfilled' ? term.value : null;
  // What the concepts named by relations and replacements in these revisions are called.
  const ids = new Set<string>();
  for (const item of history.value.items)
    for (const change of item.changes)
      for (const value of [change.before, change.after])
        if (Array.isArray(value))
          for (const entry of value as unknown[]) {
            if (typeof entry === 'string' && isUuid(entry)) ids.add(entry);
            else if (entry && typeof entry === 'object' && 'target_id' in entry)
              ids.add(String((entry as { target_id: string }).target_id));
          }
  ids.delete(params.id);
  const names = Object.fromEntries(
    await Promise.all(
      [...ids].slice(0, 50).map(async (id) => {
        const name = await call(locals.api.GET('/api/terms/{id}', { params: { path: { id } } })).then(
          (found) => found.term,
          () => id,
        );
        return [id, name] as const;
      }),
    ),
  );
  const next = history.value.next_before;
  return {
    history: history.value,
    concept,
    deletion,
    name: concept?.term ?? String(history.value.items.at(-1)?.revision ?? ''),
    names,
    version: concept?.version ?? deletion?.version ?? 1,
    canRestore: concept ? concept.permissions.edit : locals.session !== null,
    olderHref: next === null ? null : `/terms/${params.id}/history?before=${next}`,
    newestHref: before === undefined ? null : `/terms/${params.id}/history`,
  };
};

export const actions: Actions = {
  restore: async ({ request, locals, params }) => {
    const here = `/terms/${params.id}/history`;
    requireSession(locals.session, here);
    const values = formValues(await request.formData());
    const parsed = restoreBodySchema.safeParse({
      revision: Number(values.revision),
      version: Number(values.version),
      ...(values.comment?.trim() ? { comment: values.comment } : {}),
    });
    if (!parsed.success)
      return fail(400, { form: 'restore', values, message: parsed.error.issues[0]?.message });
    try {
      const result = await call(
        locals.api.POST('/api/terms/{id}/restore', {
          params: { path: { id: params.id } },
          body: parsed.data,
        }),
      );
      return {
        form: 'restore' as const,
        restored: parsed.data.revision,
        created: result.revision,
        skipped: result.skipped_relations.map((relation) =>
          describeItem('relations', { type: relation.type, target_id: relation.target_id }),
        ),
      };
    } catch (caught) {
      redirectIfSignedOut(caught, here);
      const failure = termApiFailure(caught, values, locals.locale);
      return fail(failure.status, { ...failure.data, form: 'restore' });
    }
  },
};
