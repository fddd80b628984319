import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root: default home of `./data` and of the `.env` file, whatever npm's working directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** "N/S": at most N attempts per S seconds. */
const rateLimitRule = z
  .string()
  .regex(/^\d+\/\d+$/, 'expected "attempts/seconds", e.g. 20/60')
  .transform((value) => {
    const [max, seconds] = value.split('/').map(Number) as [number, number];
    return { max, windowSeconds: seconds };
  })
  .refine((rule) => rule.max > 0 && rule.windowSeconds > 0, 'both numbers must be positive');

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

// "on"/"off" reads better for switches; the boolean spellings are accepted too.
const switchFlag = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((value) => value === 'on' || value === 'true' || value === '1');

const httpUrl = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^/]+/, 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

/** `NAME=` in a .env file or a compose file means "not set". */
const unsetIfBlank = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema);

/** Read twice: by `observability/instrument.ts` before anything else loads, and with the rest below. */
const sentryVariables = {
  SENTRY_DSN_BACKEND: unsetIfBlank(httpUrl.optional()),
  SENTRY_TRACES_SAMPLE_RATE: z.coerce.number().min(0).max(1).default(0.1),
  SENTRY_ENVIRONMENT: unsetIfBlank(z.string().trim().max(64).optional()),
  SENTRY_RELEASE: unsetIfBlank(z.string().trim().max(200).optional()),
  SENTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
};

export interface SentryConfig {
  dsn: string;
  tracesSampleRate: number;
  environment: string;
  release: string | null;
  /** Longest wait for the ingest endpoint before an event is dropped (never on the request path). */
  timeoutMs: number;
}

/** Sentry's settings alone, or null when SENTRY_DSN_BACKEND is unset (or invalid: loadConfig reports that). */
export function loadSentryConfig(source: NodeJS.ProcessEnv = process.env): SentryConfig | null {
  const parsed = z
    .object({ NODE_ENV: z.string().default('development'), ...sentryVariables })
    .safeParse(source);
  if (!parsed.success || !parsed.data.SENTRY_DSN_BACKEND) return null;
  const env = parsed.data;
  return {
    dsn: env.SENTRY_DSN_BACKEND!,
    tracesSampleRate: env.SENTRY_TRACES_SAMPLE_RATE,
    environment: env.SENTRY_ENVIRONMENT ?? env.NODE_ENV,
    release: env.SENTRY_RELEASE ?? null,
    timeoutMs: env.SENTRY_TIMEOUT_MS,
  };
}

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  LEXIKON_DATA_DIR: z.string().min(1).default('./data'),
  JWT_SECRET: z.string().optional(),
  JWT_ACCESS_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CORS_ORIGINS: csv.optional(),
  TRUST_PROXY: booleanFlag.default(false),
  HSTS: booleanFlag.default(false),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  AUTH_LOGIN_LIMIT_PER_IP: rateLimitRule.prefault('20/60'),
  AUTH_LOGIN_LIMIT_PER_ACCOUNT: rateLimitRule.prefault('10/300'),
  AUTH_REGISTER_LIMIT_PER_IP: rateLimitRule.prefault('10/3600'),
  GRAPH_MAX_NODES: z.coerce.number().int().min(10).max(100_000).default(500),
  GRAPH_MAX_EDGES: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  API_WORKERS: unsetIfBlank(z.union([z.literal('auto'), z.coerce.number().int().min(1).max(256)]).optional()),
  PUBLIC_WEB_URL: httpUrl.default('http://127.0.0.1:3000'),
  GITHUB_CLIENT_ID: z.string().trim().optional(),
  GITHUB_CLIENT_SECRET: z.string().trim().optional(),
  GITHUB_URL: httpUrl.default('https://github.com'),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  GOOGLE_CLIENT_ID: z.string().trim().optional(),
  GOOGLE_CLIENT_SECRET: z.string().trim().optional(),
  GOOGLE_ISSUER: httpUrl.default('https://accounts.google.com'),
  OAUTH_TIMEOUT_MS: z.coerce.number().int().min(500).max(60_000).default(10_000),
  OAUTH_ALLOW_HTTP: booleanFlag.default(false),
  WEBHOOK_WORKER: switchFlag.default(true),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(10).max(86_400_000).default(10_000),
  WEBHOOK_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(3_600_000),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: unsetIfBlank(booleanFlag.optional()),
  LLM_BASE_URL: unsetIfBlank(httpUrl.optional()),
  LLM_API_KEY: unsetIfBlank(z.string().trim().optional()),
  LLM_MODEL: unsetIfBlank(z.string().trim().max(200).optional()),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  LLM_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(500),
  LLM_RETRY_MAX_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  LLM_CIRCUIT_FAILURES: z.coerce.number().int().min(1).max(1000).default(5),
  LLM_CIRCUIT_COOLDOWN_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  LLM_STRUCTURED_OUTPUT: z.enum(['json_schema', 'json_object', 'none']).default('json_schema'),
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
  VALIDATION_WORKER: switchFlag.default(true),
  VALIDATION_WORKER_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(2000),
  VALIDATION_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  VALIDATION_JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  VALIDATION_JOB_BACKOFF_MS: z.coerce.number().int().min(10).max(86_400_000).default(30_000),
  VALIDATION_JOB_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(14),
  VALIDATION_SYNC_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).optional(),
  METRICS_TOKEN: unsetIfBlank(z.string().trim().min(16, 'use at least 16 characters').optional()),
  METRICS_PORT: unsetIfBlank(z.coerce.number().int().min(1).max(65535).optional()),
  METRICS_HOST: unsetIfBlank(z.string().min(1).optional()),
  DEBUG_ROUTES: unsetIfBlank(booleanFlag.optional()),
  NEO4J_URI: unsetIfBlank(
    z
      .string()
      .trim()
      .regex(
        /^(bolt|neo4j)(\+s|\+ssc)?:\/\/[^/]+/,
        'must be a bolt:// or neo4j:// URL, e.g. bolt://127.0.0.1:7687',
      )
      .refine((value) => !/^[a-z0-9+]+:\/\/[^/@]*@/i.test(value), {
        message: 'must not contain credentials; set NEO4J_USER and NEO4J_PASSWORD instead',
      })
      .optional(),
  ),
  NEO4J_USER: unsetIfBlank(z.string().trim().min(1).default('neo4j')),
  NEO4J_PASSWORD: unsetIfBlank(z.string().optional()),
  NEO4J_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5000),
  GRAPH_ENGINE: z.enum(['postgres', 'neo4j']).default('postgres'),
  GRAPH_OUTBOX_WORKER: switchFlag.default(true),
  GRAPH_OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  GRAPH_OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(200),
  GRAPH_OUTBOX_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  GRAPH_OUTBOX_BACKOFF_MAX_MS: z.coerce.number().int().min(10).max(86_400_000).default(60_000),
  GRAPH_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  ...sentryVariables,
});

export type Environment = z.infer<typeof environmentSchema>;

/**
 * The configuration's types are inferred from what `loadConfig` builds out of the parsed environment:
 * written once, in the builders below, with the variables they come from.
 */
export type Config = ReturnType<typeof loadConfig>;
export type GraphConfig = ReturnType<typeof graphConfig>;
export type Neo4jConfig = NonNullable<GraphConfig['neo4j']>;
export type GraphOutboxConfig = GraphConfig['outbox'];
export type MetricsConfig = ReturnType<typeof metricsConfig>;
export type LlmConfig = NonNullable<ReturnType<typeof llmConfig>>;
export type ValidationConfig = ReturnType<typeof validationConfig>;
export type OAuthConfig = ReturnType<typeof oauthConfig>;
export type RateLimitRule = Environment['AUTH_LOGIN_LIMIT_PER_IP'];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const MIN_SECRET_BYTES = 32;
const DEV_ORIGINS = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:3000',
  'http://127.0.0.1:3000',
];

/**
 * Parses and validates the environment once, at start-up. Every problem is reported at once, by
 * variable name, so a misconfigured deployment fails fast with a message a person can act on.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  const baseDir = source.INIT_CWD ?? process.cwd();
  const dataDir = env.LEXIKON_DATA_DIR === ':memory:' ? null : resolve(baseDir, env.LEXIKON_DATA_DIR);

  return {
    env: env.NODE_ENV,
    isProduction,
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    database: env.DATABASE_URL
      ? {
          kind: 'postgres' as const,
          url: env.DATABASE_URL,
          poolMax: env.DATABASE_POOL_MAX,
          connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
          statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
        }
      : { kind: 'pglite' as const, dataDir: dataDir ? join(dataDir, 'pglite') : null },
    dataDir,
    jwt: {
      secret: resolveJwtSecret(env.JWT_SECRET, isProduction, dataDir),
      accessTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      issuer: 'lexikon',
      audience: 'lexikon-api',
    },
    refreshTokenTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
    corsOrigins: env.CORS_ORIGINS ?? (isProduction ? [] : [...DEV_ORIGINS]),
    trustProxy: env.TRUST_PROXY,
    /** Send Strict-Transport-Security: only when the API is served over TLS. */
    hsts: env.HSTS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimits: {
      loginPerIp: env.AUTH_LOGIN_LIMIT_PER_IP,
      loginPerAccount: env.AUTH_LOGIN_LIMIT_PER_ACCOUNT,
      registerPerIp: env.AUTH_REGISTER_LIMIT_PER_IP,
    },
    graphMaxNodes: env.GRAPH_MAX_NODES,
    /** Relations one traversal returns at most (the response stays bounded however dense the graph). */
    graphMaxEdges: env.GRAPH_MAX_EDGES,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    /** Processes serving the API port (node:cluster when more than one); see `apiWorkers()`. */
    apiWorkers: apiWorkers(env.API_WORKERS, isProduction, env.DATABASE_URL === undefined),
    /** Where browsers reach the web app: OAuth providers redirect back to it. */
    publicWebUrl: env.PUBLIC_WEB_URL,
    oauth: oauthConfig(env, isProduction),
    /** Null when no LLM is configured: validation then runs the rules only. */
    llm: llmConfig(env),
    validation: validationConfig(env),
    metrics: metricsConfig(env, isProduction),
    /** `GET /debug/error` exists (admin-only in production). */
    debugRoutes: env.DEBUG_ROUTES ?? !isProduction,
    graph: graphConfig(env, isProduction),
    webhooks: {
      /** Deliver webhooks from this process (any number of processes may share the queue). */
      worker: env.WEBHOOK_WORKER,
      pollMs: env.WEBHOOK_POLL_MS,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: env.WEBHOOK_BACKOFF_MS,
      backoffMaxMs: env.WEBHOOK_BACKOFF_MAX_MS,
      /** Loopback and private addresses as targets: refused in production unless allowed (SSRF). */
      allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS ?? !isProduction,
    },
  };
}

/** Where traversals run, and the optional Neo4j mirror that PostgreSQL (the system of record) feeds. */
function graphConfig(env: Environment, isProduction: boolean) {
  if (env.GRAPH_ENGINE === 'neo4j' && !env.NEO4J_URI)
    throw new ConfigError(
      'Invalid configuration:\n  - GRAPH_ENGINE: "neo4j" needs NEO4J_URI (e.g. bolt://127.0.0.1:7687, see `npm run neo4j`)',
    );
  if (env.NEO4J_URI && isProduction && !env.NEO4J_PASSWORD)
    throw new ConfigError(
      'Invalid configuration:\n  - NEO4J_PASSWORD: required when NODE_ENV=production and NEO4J_URI is set',
    );
  if (env.GRAPH_OUTBOX_BACKOFF_MAX_MS < env.GRAPH_OUTBOX_BACKOFF_MS)
    throw new ConfigError(
      'Invalid configuration:\n  - GRAPH_OUTBOX_BACKOFF_MAX_MS: must be at least GRAPH_OUTBOX_BACKOFF_MS',
    );
  return {
    engine: env.GRAPH_ENGINE,
    /** Null when NEO4J_URI is unset: no mirror, no outbox rows, traversals in PostgreSQL. */
    neo4j: env.NEO4J_URI
      ? {
          uri: env.NEO4J_URI,
          user: env.NEO4J_USER,
          /** Null only outside production, for a loopback Neo4j with authentication off (`npm run neo4j`). */
          password: env.NEO4J_PASSWORD ?? null,
          /** Connection and per-query budget: a traversal falls back to PostgreSQL rather than wait longer. */
          timeoutMs: env.NEO4J_TIMEOUT_MS,
        }
      : null,
    outbox: {
      /** Drain the outbox into Neo4j from this process (any number of processes may). */
      worker: env.GRAPH_OUTBOX_WORKER,
      pollMs: env.GRAPH_OUTBOX_POLL_MS,
      batchSize: env.GRAPH_OUTBOX_BATCH_SIZE,
      /** Exponential backoff between attempts, from `backoffMs` up to `backoffMaxMs`. */
      backoffMs: env.GRAPH_OUTBOX_BACKOFF_MS,
      backoffMaxMs: env.GRAPH_OUTBOX_BACKOFF_MAX_MS,
      /** Attempts at a row that Neo4j rejects before it is set aside as failed (outages do not count). */
      maxAttempts: env.GRAPH_OUTBOX_MAX_ATTEMPTS,
    },
  };
}

/**
 * How many processes serve the API: an explicit count, or `auto` (the default in production) for one per
 * core; development and tests default to one. Embedded PGlite lives inside a single process and cannot
 * be shared, so with it `auto` means one, and an explicit count above one is refused rather than ignored.
 */
function apiWorkers(setting: number | 'auto' | undefined, isProduction: boolean, embedded: boolean): number {
  if (typeof setting === 'number' && setting > 1 && embedded)
    throw new ConfigError(
      `Invalid configuration:\n  - API_WORKERS: ${setting} processes cannot share the embedded database (PGlite); set DATABASE_URL to a PostgreSQL server, or use API_WORKERS=1`,
    );
  if (typeof setting === 'number') return setting;
  if (embedded || (setting === undefined && !isProduction)) return 1;
  return availableParallelism();
}

function metricsConfig(env: Environment, isProduction: boolean) {
  // Metrics reveal traffic, routes and versions: production keeps them behind a token or off the public port.
  if (isProduction && !env.METRICS_TOKEN && env.METRICS_PORT === undefined)
    throw new ConfigError(
      'Invalid configuration:\n  - METRICS_TOKEN: required when NODE_ENV=production unless METRICS_PORT serves /metrics on an internal port (generate one with `openssl rand -hex 32`)',
    );
  return {
    /** When set, `/metrics` answers only `Authorization: Bearer <token>`. */
    token: env.METRICS_TOKEN ?? null,
    /** When set, `/metrics` is served on this internal port only, not on the API port. */
    port: env.METRICS_PORT ?? null,
    host: env.METRICS_HOST ?? env.HOST,
  };
}

function validationConfig(env: Environment) {
  // "Validate now" must answer before the request itself is aborted: by default 5 s under its timeout.
  const syncTimeoutMs =
    env.VALIDATION_SYNC_TIMEOUT_MS ?? Math.max(500, Math.min(25_000, env.REQUEST_TIMEOUT_MS - 5000));
  if (syncTimeoutMs >= env.REQUEST_TIMEOUT_MS)
    throw new ConfigError(
      'Invalid configuration:\n  - VALIDATION_SYNC_TIMEOUT_MS: must be shorter than REQUEST_TIMEOUT_MS, so "validate now" answers before the request is cut',
    );
  return {
    /** Run the background job worker in this process. */
    worker: env.VALIDATION_WORKER,
    workerPollMs: env.VALIDATION_WORKER_POLL_MS,
    workerConcurrency: env.VALIDATION_WORKER_CONCURRENCY,
    jobMaxAttempts: env.VALIDATION_JOB_MAX_ATTEMPTS,
    jobBackoffMs: env.VALIDATION_JOB_BACKOFF_MS,
    jobRetentionDays: env.VALIDATION_JOB_RETENTION_DAYS,
    /** Budget of the LLM pass of `POST /api/terms/:id/validate`, retries included. */
    syncTimeoutMs,
  };
}

/** Any OpenAI-compatible Chat Completions server (OpenAI, Ollama, vLLM, llama.cpp server…), or null. */
function llmConfig(env: Environment) {
  if (!env.LLM_BASE_URL) {
    // A model or key without a server is a half-done configuration: say so rather than silently run without.
    const stray = (['LLM_MODEL', 'LLM_API_KEY'] as const).filter((name) => env[name] !== undefined);
    if (stray.length > 0)
      throw new ConfigError(
        `Invalid configuration:\n  - LLM_BASE_URL: required when ${stray.join(' or ')} is set (e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1)`,
      );
    return null;
  }
  if (!env.LLM_MODEL)
    throw new ConfigError(
      'Invalid configuration:\n  - LLM_MODEL: required when LLM_BASE_URL is set (e.g. gpt-4o-mini, llama3.1)',
    );
  if (env.LLM_RETRY_MAX_MS < env.LLM_RETRY_BASE_MS)
    throw new ConfigError('Invalid configuration:\n  - LLM_RETRY_MAX_MS: must be at least LLM_RETRY_BASE_MS');
  return {
    baseUrl: env.LLM_BASE_URL,
    apiKey: env.LLM_API_KEY ?? null,
    model: env.LLM_MODEL,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxAttempts: env.LLM_MAX_ATTEMPTS,
    retryBaseMs: env.LLM_RETRY_BASE_MS,
    retryMaxMs: env.LLM_RETRY_MAX_MS,
    circuitFailures: env.LLM_CIRCUIT_FAILURES,
    circuitCooldownMs: env.LLM_CIRCUIT_COOLDOWN_MS,
    /** How the JSON verdict is requested; the answer is parsed strictly against its schema either way. */
    structuredOutput: env.LLM_STRUCTURED_OUTPUT,
    temperature: env.LLM_TEMPERATURE,
  };
}

function oauthConfig(env: Environment, isProduction: boolean) {
  const pair = (id: string | undefined, secret: string | undefined, name: string) => {
    if (!id && !secret) return null;
    if (!id || !secret)
      throw new ConfigError(
        `Invalid configuration:\n  - ${name}_CLIENT_ID and ${name}_CLIENT_SECRET must be set together`,
      );
    return { clientId: id, clientSecret: secret };
  };
  const github = pair(env.GITHUB_CLIENT_ID, env.GITHUB_CLIENT_SECRET, 'GITHUB');
  const google = pair(env.GOOGLE_CLIENT_ID, env.GOOGLE_CLIENT_SECRET, 'GOOGLE');
  if (env.OAUTH_ALLOW_HTTP && isProduction)
    throw new ConfigError(
      'Invalid configuration:\n  - OAUTH_ALLOW_HTTP: not allowed when NODE_ENV=production',
    );
  return {
    /** Present only when both the client id and secret are set: a provider without credentials is off. */
    github: github && { ...github, webUrl: env.GITHUB_URL, apiUrl: env.GITHUB_API_URL },
    google: google && { ...google, issuer: env.GOOGLE_ISSUER },
    timeoutMs: env.OAUTH_TIMEOUT_MS,
    /** Plain-http provider URLs (local test providers only). */
    allowHttp: env.OAUTH_ALLOW_HTTP,
  };
}

/**
 * Production demands a strong secret from the environment. Outside production a missing secret is
 * generated once and kept in the data directory, so sessions survive restarts without a setup step.
 */
function resolveJwtSecret(
  secret: string | undefined,
  isProduction: boolean,
  dataDir: string | null,
): Uint8Array {
  if (secret !== undefined) {
    const bytes = new TextEncoder().encode(secret);
    if (bytes.length < MIN_SECRET_BYTES || new Set(secret).size < 10) {
      if (isProduction) {
        throw new ConfigError(
          `Invalid configuration:\n  - JWT_SECRET: must be at least ${MIN_SECRET_BYTES} bytes of random data ` +
            '(generate one with `openssl rand -base64 48`)',
        );
      }
    }
    return bytes;
  }
  if (isProduction) {
    throw new ConfigError(
      'Invalid configuration:\n  - JWT_SECRET: required when NODE_ENV=production ' +
        '(generate one with `openssl rand -base64 48`)',
    );
  }
  if (dataDir === null) return randomBytes(48);
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600 });
  }
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}

/** Loads `.env` from the repository root (then the working directory) without overriding real variables. */
export function loadDotEnv(): void {
  for (const file of [join(repoRoot, '.env'), resolve('.env')]) {
    if (existsSync(file)) process.loadEnvFile(file);
  }
}
