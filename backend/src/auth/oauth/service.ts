import type { AuditRecorder } from '../../audit/recorder.ts';
import { createHash } from 'node:crypto';
import { countAuthAttempt, type Metrics } from '../../observability/metrics.ts';
import type { Db } from '../../platform/database/client.ts';
import type { AuthRepository } from '../repository.ts';
import type { AuthService } from '../service.ts';
import type { TokenPair } from '../schemas.ts';
import type { AuthUser } from '../tokens.ts';
import { errors } from '../../platform/errors.ts';
import { classifyOAuthFailure } from './library-errors.ts';
import {
  openIdClient,
  type OAuthProvider,
  type OAuthProviderName,
  type ProviderIdentity,
} from './providers.ts';
import type { OAuthRepository } from './repository.ts';

const STATE_TTL_SECONDS = 600;

export interface OAuthCallbackParams {
  code?: string | undefined;
  state?: string | undefined;
  error?: string | undefined;
  iss?: string | undefined;
}

export type OAuthOutcome =
  | { mode: 'login'; next: string | null; tokens: TokenPair }
  | { mode: 'link'; next: string | null; tokens: null };

/**
 * Sign-in and account linking with external providers. The flow's secrets (state, PKCE verifier,
 * nonce) live in PostgreSQL, keyed by a hash of the state, and each can be used once.
 */
export class OAuthService {
  readonly #db: Db;
  readonly #repository: OAuthRepository;
  /** Users are the password service's rows; a provider identity creates or finds one. */
  readonly #users: AuthRepository;
  readonly #providers: Map<OAuthProviderName, OAuthProvider>;
  readonly #auth: AuthService;
  readonly #audit: AuditRecorder;
  readonly #publicWebUrl: string;
  readonly #metrics: Metrics | undefined;

  constructor(deps: {
    db: Db;
    repository: OAuthRepository;
    users: AuthRepository;
    providers: Map<OAuthProviderName, OAuthProvider>;
    auth: AuthService;
    audit: AuditRecorder;
    publicWebUrl: string;
    metrics?: Metrics;
  }) {
    this.#metrics = deps.metrics;
    this.#db = deps.db;
    this.#repository = deps.repository;
    this.#users = deps.users;
    this.#providers = deps.providers;
    this.#auth = deps.auth;
    this.#audit = deps.audit;
    this.#publicWebUrl = deps.publicWebUrl;
  }

  configuredProviders(): OAuthProviderName[] {
    return [...this.#providers.keys()].sort();
  }

  /** The provider's authorization URL for a new flow; `linkTo` starts a flow that links instead of signing in. */
  async start(providerName: string, options: { next: string | null; linkTo: AuthUser | null }): Promise<URL> {
    const provider = this.#provider(providerName);
    const state = openIdClient.randomState();
    const codeVerifier = openIdClient.randomPKCECodeVerifier();
    const nonce = provider.usesNonce ? openIdClient.randomNonce() : null;
    await this.#repository.insertState(this.#db, {
      stateHash: hash(state),
      provider: provider.name,
      mode: options.linkTo ? 'link' : 'login',
      userId: options.linkTo?.id ?? null,
      codeVerifier,
      nonce,
      next: options.next,
      ttlSeconds: STATE_TTL_SECONDS,
    });
    if (Math.random() < 0.05) void this.#repository.purgeExpiredStates(this.#db).catch(() => undefined);
    try {
      return await provider.authorizationUrl(this.#redirectUri(provider.name), {
        state,
        codeVerifier,
        nonce,
        codeChallenge: await openIdClient.calculatePKCECodeChallenge(codeVerifier),
      });
    } catch (error) {
      throw classifyOAuthFailure(error, provider.name, provider.usesNonce);
    }
  }

  /** Finishes a flow: checks state, exchanges the code (with the PKCE verifier), then signs in or links. */
  async finish(providerName: string, params: OAuthCallbackParams): Promise<OAuthOutcome> {
    const provider = this.#provider(providerName);
    // Counted once the provider is known: a made-up provider name must not mint a new label value.
    return countAuthAttempt(this.#metrics, provider.name, () => this.#finish(provider, params));
  }

  async #finish(provider: OAuthProvider, params: OAuthCallbackParams): Promise<OAuthOutcome> {
    if (params.error === 'access_denied') throw errors.oauthDenied(provider.name);
    if (!params.state) throw errors.oauthStateInvalid();
    const flow = await this.#repository.consumeState(this.#db, hash(params.state));
    if (!flow || flow.provider !== provider.name) throw errors.oauthStateInvalid();
    if (params.error || !params.code)
      throw errors.oauthProviderUnavailable(
        provider.name,
        `The provider reported "${params.error ?? 'no code'}".`,
      );

    const callbackUrl = new URL(this.#redirectUri(provider.name));
    callbackUrl.searchParams.set('code', params.code);
    callbackUrl.searchParams.set('state', params.state);
    if (params.iss) callbackUrl.searchParams.set('iss', params.iss);
    let identity: ProviderIdentity;
    try {
      identity = await provider.identify(callbackUrl, {
        state: params.state,
        codeVerifier: flow.codeVerifier,
        nonce: flow.nonce,
      });
    } catch (error) {
      throw classifyOAuthFailure(error, provider.name, provider.usesNonce);
    }

    if (flow.mode === 'link' && flow.userId) {
      await this.#link(flow.userId, provider.name, identity);
      return { mode: 'link', next: flow.next, tokens: null };
    }
    const user = await this.#signIn(provider.name, identity);
    const tokens = await this.#auth.issueSession(user);
    await this.#audit.record(this.#db, {
      action: 'auth.sign_in',
      actorId: user.id,
      details: { method: provider.name },
    });
    return { mode: 'login', next: flow.next, tokens };
  }

  /** Removes a provider from an account, unless it is the last way left to sign in. */
  async unlink(user: AuthUser, providerName: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const methods = await this.#repository.signInMethods(tx, user.id);
      if (!methods || !methods.providers.includes(providerName)) throw errors.oauthNotLinked(providerName);
      if (!methods.hasPassword && methods.providers.length === 1) throw errors.lastSignInMethod(providerName);
      await this.#repository.unlinkAccount(tx, user.id, providerName);
    });
  }

  /**
   * An existing link signs in. Otherwise a verified email joins the account that has it, or creates a new
   * account without a password. An unverified email never joins anything.
   */
  async #signIn(provider: OAuthProviderName, identity: ProviderIdentity): Promise<AuthUser> {
    return this.#db.transaction(async (tx) => {
      const linked = await this.#repository.findAccount(tx, provider, identity.providerUserId);
      if (linked) {
        const user = await this.#users.findUserById(tx, linked.userId);
        if (user) return { id: user.id, role: user.role };
      }
      const existing = identity.email ? await this.#users.findUserByEmail(tx, identity.email) : undefined;
      if (!identity.email || !identity.emailVerified)
        throw errors.oauthEmailUnverified(provider, existing !== undefined);
      let user = existing;
      if (!user) {
        const username =
          identity.username && !(await this.#repository.usernameTaken(tx, identity.username))
            ? identity.username
            : null;
        user = await this.#users.insertUser(tx, {
          email: identity.email.toLowerCase(),
          passwordHash: null,
          username,
          fullName: identity.fullName,
        });
      }
      await this.#repository.linkAccount(tx, {
        userId: user.id,
        provider,
        providerUserId: identity.providerUserId,
        email: identity.email,
      });
      return { id: user.id, role: user.role };
    });
  }

  async #link(userId: string, provider: OAuthProviderName, identity: ProviderIdentity): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const linked = await this.#repository.findAccount(tx, provider, identity.providerUserId);
      if (linked && linked.userId !== userId) throw errors.oauthLinkedElsewhere(provider);
      if (!linked)
        await this.#repository.linkAccount(tx, {
          userId,
          provider,
          providerUserId: identity.providerUserId,
          email: identity.email,
        });
    });
  }

  #provider(name: string): OAuthProvider {
    const provider = this.#providers.get(name as OAuthProviderName);
    if (!provider) throw errors.oauthProviderNotConfigured(name);
    return provider;
  }

  #redirectUri(provider: OAuthProviderName): string {
    return `${this.#publicWebUrl}/oauth/callback/${provider}`;
  }
}

function hash(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}
