import { z } from 'zod';
import { createTermBodySchema, termStatusSchema } from '/work/main/backend/src/terms/schemas.ts';
const s = createTermBodySchema.extend({ id: z.uuid(), status: termStatusSchema.default('draft'), created_at: z.iso.datetime({ offset: true }).optional() });
const doc = z.object({ terms: z.array(s) }).strict();
const r = doc.safeParse({ terms: [{ id: 'x', term: ' ', definition: 'ok', level: 'bad', extra: 1, created_at: '2024-01-01T00:00:00.123456Z' }, {id:'0196a0c2-1111-7000-8000-000000000000', term:'a', definition:'b', created_at: '2024-01-01T00:00:00.123456+00:00'}], other: 2 });
console.log(JSON.stringify(r.error?.issues.map(i => [i.path, i.message, i.code]), null, 0));
