import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ROLES, type Role } from '../core/domain.js';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../core/errors.js';
import type { UserWithScope } from '../db/repositories/user.repository.js';
import { requireAccess, roleWithin, type Actor } from './access.js';
import { audit, type ServiceDeps } from './service-deps.js';

// Algorithm.Argon2id of @node-rs/argon2 is an ambient const enum (unusable with verbatimModuleSyntax).
const ARGON2ID = 2;
const SESSION_TTL_MS = 12 * 3600_000;
const SETUP_TTL_MS = 24 * 3600_000;
const MIN_PASSWORD = 10;

export const SESSION_COOKIE = 'kw_session';

/** Tokens are random; only their SHA-256 is stored, so a database leak yields no usable token. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export function actorOf(user: UserWithScope, via: Actor['via'], roleOverride?: string | null): Actor {
  // A token's role narrows the user's role; it never widens it (the user may have been demoted
  // since the token was made), so an override that is not within the user's role is ignored.
  const own = user.role as Role;
  const role =
    roleOverride && ROLES.includes(roleOverride as Role) && roleWithin(roleOverride as Role, own)
      ? (roleOverride as Role)
      : own;
  return {
    userId: user.id,
    username: user.username,
    role,
    allCustomers: user.all_customers === 1,
    customerIds: user.customerIds,
    via,
  };
}

export function publicUser(user: UserWithScope) {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    allCustomers: user.all_customers === 1,
    customerIds: user.customerIds,
  };
}

function checkPassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD) {
    throw new ValidationError(`password must be at least ${MIN_PASSWORD} characters`);
  }
  return password;
}

/**
 * Users are installation-wide: an admin scoped to some customers (a "customer admin") could
 * otherwise create an all-customers admin or read every account.
 */
function requireInstanceAdmin(actor: Actor): void {
  requireAccess(actor, 'admin', undefined, 'users');
  if (!actor.allCustomers) throw new ForbiddenError('only installation administrators manage users');
}

export class AuthService {
  constructor(private readonly deps: ServiceDeps) {}

  private dummy: Promise<string> | null = null;

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hashPassword(randomBytes(16).toString('hex'));
    return this.dummy;
  }

  hashPassword(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID });
  }

  /**
   * First start: creates the admin and the default customer. Returns a one-time setup token
   * when no password was given (the caller prints the link), or null.
   */
  async bootstrap(opts: {
    adminUser: string;
    adminPassword?: string | undefined;
  }): Promise<{ setupToken: string | null; created: boolean }> {
    const { repos, clock } = this.deps;
    if ((await repos.customers.count()) === 0) {
      await repos.customers.insert({ name: 'Default', slug: 'default', now: clock() });
    }
    if ((await repos.users.count()) > 0) {
      const admin = await repos.users.byUsername(opts.adminUser);
      // A setup link that was never used is re-issued on each start until a password is set.
      if (admin && !admin.password_hash) return { setupToken: await this.issueSetupToken(admin.id), created: false };
      return { setupToken: null, created: false };
    }
    const passwordHash = opts.adminPassword ? await this.hashPassword(checkPassword(opts.adminPassword)) : null;
    const admin = await repos.users.insert({
      username: opts.adminUser,
      passwordHash,
      role: 'admin',
      allCustomers: true,
      customerIds: [],
      now: clock(),
    });
    return { setupToken: passwordHash ? null : await this.issueSetupToken(admin.id), created: true };
  }

  private async issueSetupToken(userId: number): Promise<string> {
    const token = newToken('kws');
    await this.deps.repos.users.insertSetupToken(tokenHash(token), userId, this.deps.clock() + SETUP_TTL_MS);
    return token;
  }

  async completeSetup(token: string, password: string): Promise<UserWithScope> {
    checkPassword(password);
    const userId = await this.deps.repos.users.takeSetupToken(tokenHash(String(token)), this.deps.clock());
    if (!userId)
      throw new UnauthorizedError('this setup link is invalid, used or expired; restart the server to get a new one');
    await this.deps.repos.users.setPassword(userId, await this.hashPassword(password));
    const user = (await this.deps.repos.users.get(userId))!;
    await audit(this.deps, actorOf(user, 'session'), {
      action: 'setup',
      entity: 'user',
      entityId: userId,
      customerId: null,
    });
    return user;
  }

  /** Verifies a password; the same message for unknown users and wrong passwords. */
  async login(
    username: string,
    password: string,
  ): Promise<{ user: UserWithScope; sessionToken: string; expiresAt: number }> {
    const user = await this.deps.repos.users.byUsername(String(username ?? ''));
    // An unknown user costs one argon2 verification too, so the answer time does not tell
    // which user names exist.
    const stored = user?.password_hash ?? (await this.dummyHash());
    const matches = await verify(stored, String(password ?? ''));
    const ok = !!user && !!user.password_hash && user.disabled === 0 && matches;
    if (!ok || !user) {
      await this.deps.repos.audit.insert({
        at: this.deps.clock(),
        userId: null,
        actor: String(username ?? '').slice(0, 100),
        action: 'login_failed',
        entity: 'user',
        entityId: null,
        customerId: null,
      });
      throw new UnauthorizedError('wrong user name or password');
    }
    const sessionToken = newToken('kwsess');
    const expiresAt = this.deps.clock() + SESSION_TTL_MS;
    await this.deps.repos.users.insertSession(tokenHash(sessionToken), user.id, this.deps.clock(), expiresAt);
    return { user, sessionToken, expiresAt };
  }

  async logout(sessionToken: string): Promise<void> {
    await this.deps.repos.users.deleteSession(tokenHash(sessionToken));
  }

  async createToken(
    actor: Actor,
    input: { name: string; expiresInDays?: number | undefined; role?: string | undefined },
  ) {
    if (!actor.userId) throw new ValidationError('only users can own API tokens');
    const name = String(input.name ?? '').trim();
    if (!name || name.length > 100) throw new ValidationError('token.name must be 1–100 characters');
    if (input.role !== undefined && !ROLES.includes(input.role as Role))
      throw new ValidationError(`token.role must be one of ${ROLES.join(', ')}`);
    if (input.role !== undefined && !roleWithin(input.role as Role, actor.role))
      throw new ForbiddenError(`token.role '${input.role}' is more than your own role (${actor.role}) allows`);
    const days = input.expiresInDays;
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650))
      throw new ValidationError('token.expiresInDays must be between 1 and 3650');
    const token = newToken('kw');
    const now = this.deps.clock();
    const row = await this.deps.repos.users.insertToken({
      userId: actor.userId,
      name,
      tokenHash: tokenHash(token),
      role: input.role ?? null,
      now,
      expiresAt: days ? now + days * 86400_000 : null,
    });
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'api_token',
      entityId: row.id,
      customerId: null,
      after: { name },
    });
    return { token, id: row.id, name: row.name, expiresAt: row.expires_at };
  }

  listTokens(actor: Actor) {
    if (!actor.userId) return Promise.resolve([]);
    return this.deps.repos.users.tokensOf(actor.userId);
  }

  async deleteToken(actor: Actor, id: number): Promise<void> {
    if (!actor.userId || (await this.deps.repos.users.deleteToken(id, actor.userId)) === 0)
      throw new NotFoundError(`API token ${id} not found`);
    await audit(this.deps, actor, { action: 'delete', entity: 'api_token', entityId: id, customerId: null });
  }

  /** Resolves a bearer token or a session cookie to the caller, or null. */
  async authenticate(opts: { bearer?: string | undefined; session?: string | undefined }): Promise<Actor | null> {
    const now = this.deps.clock();
    if (opts.bearer) {
      const t = await this.deps.repos.users.tokenByHash(tokenHash(opts.bearer));
      if (!t || (t.expires_at !== null && t.expires_at < now)) return null;
      const user = await this.deps.repos.users.get(t.user_id);
      if (!user || user.disabled) return null;
      // Touching on every request would write on every read; once a minute is plenty.
      if (!t.last_used_at || now - t.last_used_at > 60_000) await this.deps.repos.users.touchToken(t.id, now);
      return actorOf(user, 'token', t.role);
    }
    if (opts.session) {
      const s = await this.deps.repos.users.sessionByHash(tokenHash(opts.session));
      if (!s || s.expires_at < now) return null;
      const user = await this.deps.repos.users.get(s.user_id);
      if (!user || user.disabled) return null;
      return actorOf(user, 'session');
    }
    return null;
  }

  async me(actor: Actor) {
    if (!actor.userId)
      return {
        id: null,
        username: actor.username,
        role: actor.role,
        allCustomers: actor.allCustomers,
        customerIds: actor.customerIds,
      };
    return publicUser((await this.deps.repos.users.get(actor.userId))!);
  }

  /** Creates a user (admin only). `customerIds` empty with allCustomers=false means no access yet. */
  async createUser(
    actor: Actor,
    input: { username: string; password: string; role: string; allCustomers?: boolean; customerIds?: number[] },
  ) {
    requireInstanceAdmin(actor);
    const username = String(input.username ?? '').trim();
    if (!/^[A-Za-z0-9._@-]{2,64}$/.test(username))
      throw new ValidationError('user.username must be 2–64 letters, digits or . _ @ -');
    if (!ROLES.includes(input.role as Role)) throw new ValidationError(`user.role must be one of ${ROLES.join(', ')}`);
    if (await this.deps.repos.users.byUsername(username))
      throw new ConflictError(`user.username '${username}' is taken`);
    const customerIds = [...new Set(input.customerIds ?? [])];
    for (const id of customerIds) {
      if (!(await this.deps.repos.customers.get(id)))
        throw new ValidationError(`user.customerIds: customer ${id} does not exist`);
    }
    const user = await this.deps.repos.users.insert({
      username,
      passwordHash: await this.hashPassword(checkPassword(input.password)),
      role: input.role,
      allCustomers: input.allCustomers ?? false,
      customerIds,
      now: this.deps.clock(),
    });
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'user',
      entityId: user.id,
      customerId: null,
      after: publicUser(user),
    });
    return publicUser(user);
  }

  async listUsers(actor: Actor) {
    requireInstanceAdmin(actor);
    const rows = await this.deps.repos.users.list();
    return Promise.all(rows.map(async (r) => publicUser((await this.deps.repos.users.withScope(r))!)));
  }
}
