import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, serializeOpenApiDocument } from '../src/openapi-document.ts';

const committed = join(dirname(fileURLToPath(import.meta.url)), '../../frontend/src/lib/api/openapi.json');

describe('the OpenAPI document the web app is typed from', () => {
  it('is up to date with the API (run `npm run openapi` after changing a route or schema)', async () => {
    const current = serializeOpenApiDocument(await buildOpenApiDocument());
    expect(readFileSync(committed, 'utf8')).toBe(current);
  });
});
