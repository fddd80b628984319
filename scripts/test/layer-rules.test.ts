/**
 * The backend's layers are enforced by ESLint (eslint.config.js): these cases prove each rule fires on
 * the arrow it forbids, and stays quiet on the ones the architecture allows (docs/architecture.md).
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@lexikon/harness/repo-root';

const eslint = new ESLint({ cwd: repoRoot });

async function restricted(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${repoRoot}${file}` });
  return result!.messages
    .filter((message) => ['no-restricted-imports', 'no-restricted-syntax'].includes(message.ruleId ?? ''))
    .map((message) => message.message);
}

describe('the layer rules', () => {
  it.each([
    [
      'platform/ imports a feature',
      'backend/src/platform/http/x.ts',
      "import { a } from '../../terms/service.ts';",
    ],
    [
      'platform/ imports the composition root',
      'backend/src/platform/x.ts',
      "import { buildApp } from '../app.ts';",
    ],
    ['a route touches the database', 'backend/src/terms/routes.ts', "import { sql } from 'drizzle-orm';"],
    ['a route imports a repository', 'backend/src/terms/routes.ts', "import { r } from './repository.ts';"],
    [
      'a service imports Fastify',
      'backend/src/terms/service.ts',
      "import type { FastifyRequest } from 'fastify';",
    ],
    ['a repository imports Fastify', 'backend/src/terms/repository.ts', "import fp from 'fastify-plugin';"],
    [
      "a feature imports another feature's repository",
      'backend/src/relations/service.ts',
      "import type { TermsRepository } from '../terms/repository.ts';",
    ],
    [
      'a service imports its repository as a value instead of getting it by constructor',
      'backend/src/terms/service.ts',
      "import { termsRepository, type TermRow } from './repository.ts';",
    ],
    [
      'application code imports a test',
      'backend/src/terms/service.ts',
      "import { x } from '../../test/support/x.ts';",
    ],
    [
      'application code imports the test harness',
      'backend/src/terms/service.ts',
      "import { repoRoot } from '@lexikon/harness/repo-root';",
    ],
    [
      'the harness imports the app',
      'harness/src/x.ts',
      "import { buildApp } from '../../backend/src/app.ts';",
    ],
  ])('refuse: %s', async (_case, file, code) => {
    expect(await restricted(file, code)).toHaveLength(1);
  });

  it.each([
    ['a route imports its service', 'backend/src/terms/routes.ts', "import type { S } from './service.ts';"],
    [
      "a service imports its repository's types",
      'backend/src/terms/service.ts',
      "import type { TermsRepository } from './repository.ts';",
    ],
    [
      "a service imports its repository's types, inline",
      'backend/src/terms/service.ts',
      "import { type TermsRepository, type TermRow } from './repository.ts';",
    ],
    [
      'a feature imports platform/',
      'backend/src/terms/service.ts',
      "import { errors } from '../platform/errors.ts';",
    ],
    [
      'platform/ imports platform/',
      'backend/src/platform/http/x.ts',
      "import { errors } from '../errors.ts';",
    ],
    [
      'a feature reads another through its port',
      'backend/src/relations/service.ts',
      "import type { TermReader } from '../terms/reader.ts';",
    ],
  ])('allow: %s', async (_case, file, code) => {
    expect(await restricted(file, code)).toEqual([]);
  });
});
