/**
 * Writes the API's OpenAPI document where the web app's typed client is generated from
 * (`npm run openapi` at the repository root runs this, then openapi-typescript).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument, serializeOpenApiDocument } from '../src/openapi-document.ts';

export const openApiFile = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../frontend/src/lib/api/openapi.json',
);

writeFileSync(openApiFile, serializeOpenApiDocument(await buildOpenApiDocument()));
console.log(`wrote ${openApiFile}`);
