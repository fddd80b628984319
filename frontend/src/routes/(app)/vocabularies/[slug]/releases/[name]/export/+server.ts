import { error } from '@sveltejs/kit';
import { releaseNameSchema } from '@lexikon/contracts/releases';
import { call } from '#lib/server/api.ts';
import { failLoad } from '#lib/server/errors.ts';
import type { RequestHandler } from './$types';

/** The release's export, passed through byte for byte (its SHA-256 is the release's digest). */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const name = releaseNameSchema.safeParse(params.name);
  if (!name.success) error(404, 'No such release.', { code: 'not-found' });
  try {
    const body = await call(
      locals.api.GET('/api/vocabularies/{slug}/releases/{name}/export', {
        params: { path: { slug: params.slug, name: name.data } },
        parseAs: 'text',
      }),
    );
    return new Response(body as string, {
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="${params.slug}-${name.data}.json"`,
      },
    });
  } catch (cause) {
    failLoad(cause, url);
  }
};
