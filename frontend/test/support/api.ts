/**
 * Seeding and side-channel edits through the Lexikon API itself (never the database): users, their
 * tokens, terms, relations, and the "someone else changed it meanwhile" edits of the conflict tests.
 * The one exception is making an administrator, which the API does not do: the operator's CLI does.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { TokenPair } from '@lexikon/contracts/auth';
import type { CreateTermBody, Term } from '@lexikon/contracts/terms';
import type { CreateRelationBody, Relation } from '@lexikon/contracts/relations';
import type { ValidationPage, ValidationRecord } from '@lexikon/contracts/validation';
import { repoRoot } from './stack.ts';

export interface TestUser {
  email: string;
  password: string;
  username: string;
}

export class ApiClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  }

  async json<T>(method: string, path: string, options: Parameters<ApiClient['request']>[2] = {}): Promise<T> {
    const response = await this.request(method, path, options);
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** A new account with a unique email and username. */
  async createUser(label = 'user'): Promise<TestUser> {
    const id = randomUUID().slice(0, 8);
    const user = {
      email: `${label}-${id}@example.org`,
      password: `correct horse ${id} battery`,
      username: `${label}_${id}`,
    };
    await this.json('POST', '/api/auth/register', { body: user });
    return user;
  }

  login(user: Pick<TestUser, 'email' | 'password'>): Promise<TokenPair> {
    return this.json('POST', '/api/auth/login', { body: { email: user.email, password: user.password } });
  }

  refresh(refreshToken: string): Promise<Response> {
    return this.request('POST', '/api/auth/refresh', { body: { refresh_token: refreshToken } });
  }

  createTerm(token: string, body: Partial<CreateTermBody> & Pick<CreateTermBody, 'term'>): Promise<Term> {
    return this.json('POST', '/api/terms', {
      token,
      body: { definition: `Définition de ${body.term}.`, level: 'beginner', status: 'draft', ...body },
    });
  }

  getTerm(token: string, id: string): Promise<Term> {
    return this.json('GET', `/api/terms/${id}`, { token });
  }

  /** An edit made behind the browser's back: the term's version moves on. */
  updateTerm(
    token: string,
    term: Pick<Term, 'id' | 'version'>,
    body: Record<string, unknown>,
  ): Promise<Term> {
    return this.json('PATCH', `/api/terms/${term.id}`, { token, body: { ...body, version: term.version } });
  }

  createRelation(token: string, sourceId: string, body: CreateRelationBody): Promise<Relation> {
    return this.json('POST', `/api/terms/${sourceId}/relations`, { token, body });
  }

  listRelations(token: string, termId: string): Promise<{ items: Relation[] }> {
    return this.json('GET', `/api/terms/${termId}/relations`, { token });
  }

  listTerms(token: string, query = ''): Promise<{ items: Term[]; next_cursor: string | null }> {
    return this.json('GET', `/api/terms${query ? `?${query}` : ''}`, { token });
  }

  /** "Validate now" for a term (its creator or an administrator). */
  validate(token: string, termId: string): Promise<ValidationRecord> {
    return this.json('POST', `/api/terms/${termId}/validate`, { token });
  }

  listValidations(token: string, termId: string, query = ''): Promise<ValidationPage> {
    return this.json('GET', `/api/terms/${termId}/validations${query ? `?${query}` : ''}`, { token });
  }
}

/**
 * Promotes an existing account to administrator (a reviewer) the way an operator does it:
 * `lexikon create-admin --email …` against the stack's database. Tokens issued before keep the old role:
 * sign in again afterwards.
 */
export function promoteToAdmin(databaseUrl: string, jwtSecret: string, email: string): void {
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, 'backend/src/cli/main.ts'), 'create-admin', '--email', email],
    {
      cwd: repoRoot,
      // Only what the CLI needs: a developer's own DATABASE_URL must not leak in.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: databaseUrl,
        JWT_SECRET: jwtSecret,
      },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  if (result.status !== 0)
    throw new Error(
      `lexikon create-admin failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`,
    );
}
