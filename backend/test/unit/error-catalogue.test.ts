import { readFileSync } from 'node:fs';
import { problemCodes } from '@lexikon/contracts/problem';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/openapi-document.ts';

const catalogue = readFileSync(new URL('../../src/platform/errors.ts', import.meta.url), 'utf8');

describe('the problem catalogue', () => {
  it('has exactly one factory per code of the contract, and no code outside it', () => {
    const made = [...catalogue.matchAll(/code: '([a-z-]+)'/g)].map((match) => match[1]);
    expect([...made].sort()).toEqual([...problemCodes].sort());
  });

  it('lists every code in the OpenAPI document', async () => {
    const document = (await buildOpenApiDocument()) as {
      components: { schemas: Record<string, { enum?: string[] }> };
    };
    expect(document.components.schemas.ProblemCode?.enum).toEqual([...problemCodes]);
  });
});
