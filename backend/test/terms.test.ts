import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTerm,
  createTestContext,
  createUser,
  type TestContext,
  type TestUser,
} from './support/test-app.ts';

let context: TestContext;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

beforeAll(async () => {
  context = await createTestContext();
  [alice, bob, admin] = await Promise.all([
    createUser(context),
    createUser(context),
    createUser(context, { role: 'admin' }),
  ]);
});
afterAll(() => context.close());

const request = (
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  user?: TestUser,
  payload?: object,
  headers = {},
) => context.app.inject({ method, url, payload, headers: { ...(user ? user.auth : {}), ...headers } });

describe('creating and reading terms', () => {
  it('stores the seed payload and returns it with 201, an ETag and a Location', async () => {
    const response = await request('POST', '/api/terms', alice, {
      term: 'Term-42',
      definition: 'Load test definition',
      domain: 'Testing',
      level: 'beginner',
    });
    expect(response.statusCode).toBe(201);
    const term = response.json();
    expect(term).toMatchObject({
      term: 'Term-42',
      definition: 'Load test definition',
      domain: 'Testing',
      level: 'beginner',
      status: 'draft',
      version: 1,
      created_by: alice.id,
    });
    expect(response.headers.etag).toBe('"1"');
    expect(response.headers.location).toBe(`/api/terms/${term.id}`);

    const read = await request('GET', `/api/terms/${term.id}`, bob);
    expect(read.statusCode).toBe(200);
    // The same term; only what each reader may do with it differs (Bob did not write it).
    expect({ ...read.json(), permissions: term.permissions }).toEqual(term);
    expect([term.permissions, read.json().permissions]).toEqual([
      { edit: true, review: false },
      { edit: false, review: false },
    ]);
  });

  it('normalises whitespace and keeps text literally', async () => {
    const hostile = `Robert'); DROP TABLE terms;-- <script>alert(1)</script> {"$gt": ""}`;
    const term = await createTerm(context, alice, { term: '  Injection   sample  ', definition: hostile });
    expect(term.term).toBe('Injection sample');
    const read = await request('GET', `/api/terms/${term.id}`, alice);
    expect(read.json().definition).toBe(hostile);
  });

  it('requires a bearer token for every read, as the seed scenario does', async () => {
    expect((await request('GET', '/api/terms')).statusCode).toBe(401);
    const term = await createTerm(context, alice, { term: 'Private read' });
    expect((await request('GET', `/api/terms/${term.id}`)).statusCode).toBe(401);
  });

  it('answers 404 problem+json for an unknown id', async () => {
    const response = await request('GET', '/api/terms/00000000-0000-4000-8000-000000000000', alice);
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });
});

describe('uniqueness', () => {
  it('refuses the same term in the same domain, ignoring case and accents', async () => {
    await createTerm(context, alice, { term: 'Réseau de neurones', domain: 'Intelligence artificielle' });
    for (const duplicate of ['réseau de neurones', 'RESEAU DE NEURONES', 'Reseau  de Neurones']) {
      const response = await request('POST', '/api/terms', bob, {
        term: duplicate,
        definition: 'Duplicate attempt',
        domain: 'intelligence ARTIFICIELLE',
      });
      expect(response.statusCode, duplicate).toBe(409);
      expect(response.json().code).toBe('term-exists');
    }
  });

  it('allows the same term in another domain', async () => {
    await createTerm(context, alice, { term: 'Kernel', domain: 'Operating systems' });
    const other = await request('POST', '/api/terms', alice, {
      term: 'Kernel',
      definition: 'A function computing an inner product in a feature space.',
      domain: 'Machine learning',
    });
    expect(other.statusCode).toBe(201);
  });

  it('refuses a rename onto an existing term', async () => {
    await createTerm(context, alice, { term: 'Alpha', domain: 'Rename' });
    const beta = await createTerm(context, alice, { term: 'Beta', domain: 'Rename' });
    const response = await request('PATCH', `/api/terms/${beta.id}`, alice, { term: 'ALPHA', version: 1 });
    expect(response.statusCode).toBe(409);
    expect(response.json().code).toBe('term-exists');
  });
});

describe('editing', () => {
  it('updates with If-Match, bumps the version and the ETag', async () => {
    const term = await createTerm(context, alice, { term: 'Editable' });
    const response = await request(
      'PATCH',
      `/api/terms/${term.id}`,
      alice,
      { definition: 'A better definition.' },
      { 'if-match': '"1"' },
    );
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ definition: 'A better definition.', version: 2 });
    expect(response.headers.etag).toBe('"2"');
  });

  it('requires the edited version', async () => {
    const term = await createTerm(context, alice, { term: 'Versionless' });
    const response = await request('PATCH', `/api/terms/${term.id}`, alice, {
      definition: 'No version given.',
    });
    expect(response.statusCode).toBe(428);
  });

  it('lets exactly one of two concurrent edits of one version win, and loses nothing', async () => {
    const term = await createTerm(context, alice, { term: 'Contended' });
    const [first, second] = await Promise.all([
      request('PATCH', `/api/terms/${term.id}`, alice, { definition: 'Edit from tab one.', version: 1 }),
      request('PATCH', `/api/terms/${term.id}`, alice, { definition: 'Edit from tab two.', version: 1 }),
    ]);
    const statuses = [first.statusCode, second.statusCode].sort();
    expect(statuses).toEqual([200, 409]);
    const winner = first.statusCode === 200 ? first.json() : second.json();
    const loser = first.statusCode === 200 ? second.json() : first.json();
    expect(loser.code).toBe('version-conflict');
    expect(loser.current).toMatchObject({ version: 2, definition: winner.definition });
    const stored = (await request('GET', `/api/terms/${term.id}`, alice)).json();
    expect(stored).toMatchObject({ version: 2, definition: winner.definition });
  });

  it('answers 412 to a stale If-Match', async () => {
    const term = await createTerm(context, alice, { term: 'Stale' });
    await request('PATCH', `/api/terms/${term.id}`, alice, { level: 'expert', version: 1 });
    const stale = await request(
      'PATCH',
      `/api/terms/${term.id}`,
      alice,
      { level: 'advanced' },
      { 'if-match': '"1"' },
    );
    expect(stale.statusCode).toBe(412);
    expect(stale.json().current.level).toBe('expert');
  });

  it('lets only the creator or an admin edit or delete', async () => {
    const term = await createTerm(context, alice, { term: 'Owned by Alice' });
    const forbidden = await request('PATCH', `/api/terms/${term.id}`, bob, {
      definition: 'Hijack!',
      version: 1,
    });
    expect(forbidden.statusCode).toBe(403);
    expect((await request('DELETE', `/api/terms/${term.id}`, bob)).statusCode).toBe(403);
    expect((await request('GET', `/api/terms/${term.id}`, alice)).json().definition).not.toBe('Hijack!');

    const byAdmin = await request('PATCH', `/api/terms/${term.id}`, admin, {
      definition: 'Fixed by an admin.',
      version: 1,
    });
    expect(byAdmin.statusCode).toBe(200);
    expect((await request('DELETE', `/api/terms/${term.id}`, admin)).statusCode).toBe(204);
    expect((await request('GET', `/api/terms/${term.id}`, alice)).statusCode).toBe(404);
  });

  it('follows the status lifecycle and keeps validation for reviewers', async () => {
    const term = await createTerm(context, alice, { term: 'Lifecycle' });
    const skip = await request('PATCH', `/api/terms/${term.id}`, alice, { status: 'validated', version: 1 });
    expect(skip.statusCode).toBe(422);
    expect(skip.json()).toMatchObject({
      code: 'invalid-status-transition',
      allowed: ['proposed', 'deprecated'],
    });

    let version = 1;
    for (const status of ['proposed', 'in_review']) {
      const step = await request('PATCH', `/api/terms/${term.id}`, alice, { status, version });
      expect(step.statusCode, status).toBe(200);
      version = step.json().version;
    }
    const byAuthor = await request('PATCH', `/api/terms/${term.id}`, alice, { status: 'validated', version });
    expect(byAuthor.statusCode).toBe(403);
    const byReviewer = await request('PATCH', `/api/terms/${term.id}`, admin, {
      status: 'validated',
      version,
    });
    expect(byReviewer.statusCode).toBe(200);
    expect(byReviewer.json().status).toBe('validated');
  });
});

describe('listing, filtering and searching', () => {
  let owner: TestUser;
  beforeAll(async () => {
    owner = await createUser(context);
    const entries: [string, string, string, string][] = [
      [
        'Apprentissage automatique',
        "Branche de l'intelligence artificielle où les systèmes apprennent à partir de données.",
        'Catalogue',
        'beginner',
      ],
      [
        'Réseau de neurones',
        'Modèle composé de neurones artificiels organisés en couches.',
        'Catalogue',
        'intermediate',
      ],
      [
        'Neural network',
        'A model made of artificial neurons arranged in layers.',
        'Catalogue',
        'intermediate',
      ],
      [
        'Gradient descent',
        'An optimisation method that follows the slope of a loss function.',
        'Catalogue',
        'advanced',
      ],
      [
        'Éthique',
        'Réflexion sur les principes moraux qui encadrent les usages des systèmes.',
        'Catalogue',
        'expert',
      ],
    ];
    for (const [term, definition, domain, level] of entries)
      await createTerm(context, owner, { term, definition, domain, level });
    for (let i = 0; i < 25; i++)
      await createTerm(context, owner, {
        term: `Filler ${String(i).padStart(2, '0')}`,
        domain: 'Pagination',
        level: 'beginner',
      });
  });

  const list = async (query: string) => {
    const response = await request('GET', `/api/terms?${query}`, alice);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      items: { term: string; id: string }[];
      next_cursor: string | null;
      limit: number;
    };
  };

  it('defaults to 20 newest terms', async () => {
    const page = await list('');
    expect(page.limit).toBe(20);
    expect(page.items).toHaveLength(20);
    expect(page.next_cursor).not.toBeNull();
  });

  it('walks every page with the keyset cursor, without gaps or repeats', async () => {
    for (const sort of ['recent', 'term']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(`domain=pagination&limit=7&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.items.map((item) => item.term));
        cursor = page.next_cursor;
      } while (cursor);
      expect(seen, sort).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      if (sort === 'term') expect(seen).toEqual([...seen].sort());
      else expect(seen).toEqual([...seen].sort().reverse());
    }
  });

  it('filters by domain (case and accent-insensitive), level, status and creator', async () => {
    expect((await list('domain=CATALOGUE&level=intermediate')).items.map((item) => item.term).sort()).toEqual(
      ['Neural network', 'Réseau de neurones'],
    );
    expect((await list(`created_by=${owner.id}&limit=100`)).items).toHaveLength(30);
    expect((await list(`created_by=${owner.id}&status=validated`)).items).toHaveLength(0);
  });

  it('searches French and English, without accents, by stem and by prefix', async () => {
    const terms = async (q: string) =>
      (await list(`domain=Catalogue&q=${encodeURIComponent(q)}`)).items.map((item) => item.term);
    expect(await terms('reseau')).toEqual(['Réseau de neurones']);
    expect(await terms('ethique')).toEqual(['Éthique']);
    expect(await terms('neurone')).toContain('Réseau de neurones');
    expect(await terms('networks')).toEqual(['Neural network']);
    expect(await terms('optimisation slope')).toEqual(['Gradient descent']);
    expect(await terms('grad')).toEqual(['Gradient descent']);
    expect(await terms('données')).toEqual(['Apprentissage automatique']);
    expect(await terms('zzzz-nothing')).toEqual([]);
    expect(await terms('%_\\')).toEqual([]);
  });

  it('pages through search results by relevance', async () => {
    const first = await list('q=neurones&limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.next_cursor).not.toBeNull();
    const second = await list(`q=neurones&limit=1&cursor=${first.next_cursor}`);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
  });

  it('rejects cursors that were not issued for the query', async () => {
    const page = await list('limit=2');
    for (const cursor of ['garbage', 'eyJzIjoidGVybSJ9', page.next_cursor!]) {
      const response = await request('GET', `/api/terms?sort=term&cursor=${cursor}`, alice);
      expect(response.statusCode, cursor).toBe(400);
      expect(response.json().errors[0].path).toBe('query.cursor');
    }
  });
});
