import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfigFromEnv } from '../../src/config/app-config.js';
import { ADMIN_PASSWORD, startTestApp, type TestApp } from '../helpers/test-app.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Authentication of the REST API: every route is closed without valid credentials (the route
 * list comes from the running server, so new routes are covered without touching this file),
 * sessions and API tokens, the first-start setup link, login rate limiting, how credentials are
 * stored, and the cross-origin guard for cookie-authenticated changes.
 */

interface Route {
  method: string;
  path: string;
}

/** Routes reachable without credentials, on purpose. */
const PUBLIC_API = new Set(['/api/auth/login', '/api/auth/setup', '/api/openapi.json']);
const isPublic = (p: string) => PUBLIC_API.has(p) || p === '/api/docs' || p.startsWith('/api/docs/');

/** Every route registered in Fastify, from its route tree (includes routes hidden from OpenAPI). */
function registeredRoutes(app: App): Route[] {
  const tree = app.http.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: Route[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:[│ ] {3}|[├└]── )*)(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m || !m[2]!.trim()) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack[depth] = m[2]!;
    const full = stack.join('').replace(/\/{2,}/g, '/');
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      if (method && method !== 'HEAD') out.push({ method, path: full });
    }
  }
  return out;
}

/** Every operation of the OpenAPI document, with Fastify-style paths. */
function openApiRoutes(doc: { paths: Record<string, Record<string, unknown>> }): Route[] {
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path: p.replace(/\{(\w+)\}/g, ':$1') })),
  );
}

/** A concrete URL for a route pattern: every parameter becomes an id that does not exist. */
const concrete = (p: string) => p.replace(/:\w+/g, '999999');

const key = (r: Route) => `${r.method} ${r.path}`;

let ipCounter = 0;
/** Each login comes from its own address, so the login rate limit only bites where a test wants it. */
const freshIp = () => `10.77.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

interface Answer {
  status: number;
  body: Json;
  headers: Record<string, unknown>;
  cookies: { name: string; value: string; [k: string]: unknown }[];
}

async function request(
  app: App,
  method: string,
  url: string,
  opts: {
    body?: unknown;
    bearer?: string;
    cookie?: string;
    headers?: Record<string, string>;
    ip?: string;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.bearer !== undefined) headers.authorization = `Bearer ${opts.bearer}`;
  if (opts.cookie !== undefined) headers.cookie = `kw_session=${opts.cookie}`;
  const res = await app.http.inject({
    method: method as 'GET',
    url,
    headers,
    ...(opts.ip ? { remoteAddress: opts.ip } : {}),
    ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
  });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    /* not JSON */
  }
  return { status: res.statusCode, body, headers: res.headers, cookies: res.cookies as Answer['cookies'] };
}

async function login(app: App, username: string, password: string, ip = freshIp()) {
  const res = await request(app, 'POST', '/api/auth/login', { body: { username, password }, ip });
  const cookie = res.cookies.find((c) => c.name === 'kw_session');
  return { ...res, session: cookie?.value };
}

/** All rows of all tables of the SQLite state database, as one string. */
async function dumpSqliteDatabase(app: App): Promise<string> {
  const db = app.db.kysely;
  const tables = await sql<{
    name: string;
  }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  expect(tables.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['users', 'sessions', 'api_tokens']));
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql`select * from ${sql.table(name)}`.execute(db);
    parts.push(`${name}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('API authentication (sqlite)', () => {
  let t: TestApp;
  let routes: Route[];
  let protectedRoutes: Route[];

  beforeAll(async () => {
    t = await startTestApp('sqlite', { KEEPWATCH_SCHEDULER: 'false' });
    routes = registeredRoutes(t.app);
    protectedRoutes = routes.filter((r) => r.path.startsWith('/api/') && !isPublic(r.path));
  });
  afterAll(async () => t?.close());

  it('finds the routes, and the OpenAPI document lists every protected one', async () => {
    const doc = await request(t.app, 'GET', '/api/openapi.json');
    expect(doc.status).toBe(200);
    const documented = new Set(openApiRoutes(doc.body).map(key));
    // The parser found the routes we know about (guards the parser itself).
    for (const k of [
      'GET /api/jobs',
      'POST /api/jobs/:job/run',
      'GET /api/runs/:id/events',
      'GET /api/backups/:id/download',
      'PATCH /api/settings',
      'POST /api/config/apply',
      'DELETE /api/auth/tokens/:id',
    ]) {
      expect(protectedRoutes.map(key)).toContain(k);
    }
    expect(protectedRoutes.length).toBeGreaterThan(50);
    // A route missing from the document is either a mistake or needs a place in PUBLIC_API.
    expect(protectedRoutes.map(key).filter((k) => !documented.has(k))).toEqual([]);
    const registered = new Set(routes.map(key));
    expect([...documented].filter((k) => !registered.has(k))).toEqual([]);
  });

  it('answers 401 on every protected route without credentials, with a bad token or a bad cookie', async () => {
    const failures: string[] = [];
    const variants: { label: string; headers: Record<string, string> }[] = [
      { label: 'none', headers: {} },
      { label: 'unknown token', headers: { authorization: 'Bearer kw_thisTokenDoesNotExist0123456789abcdef' } },
      { label: 'empty bearer', headers: { authorization: 'Bearer ' } },
      {
        label: 'basic auth',
        headers: { authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}` },
      },
      { label: 'unknown cookie', headers: { cookie: 'kw_session=kwsess_nope' } },
      // The admin's own token in the wrong place is not a credential either.
      { label: 'token as cookie', headers: { cookie: `kw_session=${t.token}` } },
    ];
    for (const r of protectedRoutes) {
      for (const v of variants) {
        const res = await request(t.app, r.method, concrete(r.path), {
          headers: v.headers,
          ...(r.method === 'POST' || r.method === 'PATCH' ? { body: {} } : {}),
        });
        if (res.status !== 401 || res.body?.error?.code !== 'unauthorized')
          failures.push(`${key(r)} [${v.label}] → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    // The same requests with the admin token get past the check (404: the ids do not exist).
    expect((await request(t.app, 'GET', '/api/jobs/999999', { bearer: t.token })).status).toBe(404);
  });

  it('rejects an expired API token and an expired session on every route', async () => {
    const created = await request(t.app, 'POST', '/api/auth/tokens', {
      bearer: t.token,
      body: { name: 'short-lived', expiresInDays: 1 },
    });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect((await request(t.app, 'GET', '/api/auth/me', { bearer: token })).status).toBe(200);

    const s = await login(t.app, 'admin', ADMIN_PASSWORD);
    expect(s.status).toBe(200);
    expect((await request(t.app, 'GET', '/api/auth/me', { cookie: s.session! })).status).toBe(200);

    const past = Date.now() - 1000;
    await t.app.db.kysely
      .updateTable('api_tokens')
      .set({ expires_at: past })
      .where('id', '=', created.body.id)
      .execute();
    await t.app.db.kysely
      .updateTable('sessions')
      .set({ expires_at: past })
      .where('token_hash', '=', sha256(s.session!))
      .execute();

    const failures: string[] = [];
    for (const r of protectedRoutes) {
      for (const cred of [{ bearer: token }, { cookie: s.session! }]) {
        const res = await request(t.app, r.method, concrete(r.path), {
          ...cred,
          ...(r.method === 'POST' || r.method === 'PATCH' ? { body: {} } : {}),
        });
        if (res.status !== 401) failures.push(`${key(r)} ${Object.keys(cred)[0]} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
    // Other credentials of the same user are unaffected.
    expect((await request(t.app, 'GET', '/api/auth/me', { bearer: t.token })).status).toBe(200);
  });

  it('rejects the tokens and sessions of a disabled user', async () => {
    const u = await request(t.app, 'POST', '/api/users', {
      bearer: t.token,
      body: { username: 'dora', password: 'dora-password-123', role: 'operator', allCustomers: true },
    });
    expect(u.status).toBe(201);
    const s = await login(t.app, 'dora', 'dora-password-123');
    const tok = await request(t.app, 'POST', '/api/auth/tokens', { cookie: s.session!, body: { name: 'cli' } });
    expect(tok.status).toBe(201);
    expect((await request(t.app, 'GET', '/api/jobs', { bearer: tok.body.token })).status).toBe(200);
    await t.app.db.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', u.body.id).execute();
    expect((await request(t.app, 'GET', '/api/jobs', { bearer: tok.body.token })).status).toBe(401);
    expect((await request(t.app, 'GET', '/api/jobs', { cookie: s.session! })).status).toBe(401);
    const again = await login(t.app, 'dora', 'dora-password-123');
    expect(again.status).toBe(401);
    expect(again.session).toBeUndefined();
  });

  it('works with the session cookie from /api/auth/login on every route', async () => {
    const s = await login(t.app, 'admin', ADMIN_PASSWORD);
    expect(s.status).toBe(200);
    expect(s.body.user).toMatchObject({ username: 'admin', role: 'admin', allCustomers: true });
    expect(s.body.token).toBeUndefined();
    const cookie = s.cookies.find((c) => c.name === 'kw_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(cookie.path).toBe('/');
    expect(String(s.headers['set-cookie'])).toMatch(/HttpOnly/);
    expect(String(s.headers['set-cookie'])).toMatch(/SameSite=Strict/);

    const failures: string[] = [];
    for (const r of protectedRoutes.filter((x) => x.method === 'GET')) {
      const res = await request(t.app, 'GET', concrete(r.path), { cookie: s.session! });
      // Item routes answer 404 (no such id), lists and singletons 200: never 401, 403 or 500.
      if (res.status !== 200 && res.status !== 404) failures.push(`${key(r)} → ${res.status}`);
      if (!r.path.includes(':') && res.status !== 200) failures.push(`${key(r)} (no parameter) → ${res.status}`);
    }
    expect(failures).toEqual([]);
    const me = await request(t.app, 'GET', '/api/auth/me', { cookie: s.session! });
    expect(me.body.user.username).toBe('admin');
    // A change with the cookie and no Origin header (curl, same-site form) works too.
    const c = await request(t.app, 'POST', '/api/customers', { cookie: s.session!, body: { name: 'Cookie Corp' } });
    expect(c.status).toBe(201);
  });

  it('refuses cookie-authenticated changes from a foreign origin, but not bearer requests', async () => {
    const s = await login(t.app, 'admin', ADMIN_PASSWORD);
    const host = 'keepwatch.example:8080';
    const count = async () => (await request(t.app, 'GET', '/api/customers', { bearer: t.token })).body.items.length;
    const before = await count();
    for (const origin of ['https://evil.example', 'http://keepwatch.example:9090', 'null', 'not a url']) {
      const res = await request(t.app, 'POST', '/api/customers', {
        cookie: s.session!,
        headers: { host, origin },
        body: { name: `Cross ${origin}` },
      });
      expect(res.status, origin).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    for (const method of ['PATCH', 'DELETE']) {
      const res = await request(t.app, method, '/api/customers/1', {
        cookie: s.session!,
        headers: { host, origin: 'https://evil.example' },
        ...(method === 'PATCH' ? { body: { name: 'Hijacked' } } : {}),
      });
      expect(res.status, method).toBe(403);
    }
    expect(await count()).toBe(before);
    expect((await request(t.app, 'GET', '/api/customers', { bearer: t.token })).body.items[0].name).not.toBe(
      'Hijacked',
    );
    // Reads with a foreign origin are harmless (the browser does not hand the answer over).
    expect(
      (
        await request(t.app, 'GET', '/api/customers', {
          cookie: s.session!,
          headers: { host, origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(200);
    // Our own pages may change things.
    const same = await request(t.app, 'POST', '/api/customers', {
      cookie: s.session!,
      headers: { host, origin: `http://${host}` },
      body: { name: 'Same Origin Ltd' },
    });
    expect(same.status).toBe(201);
    // An API token is not sent by browsers on their own: the Origin header does not matter.
    const bearer = await request(t.app, 'POST', '/api/customers', {
      bearer: t.token,
      headers: { host, origin: 'https://evil.example' },
      body: { name: 'Bearer Inc' },
    });
    expect(bearer.status).toBe(201);
    expect(await count()).toBe(before + 2);
  });

  it('logout ends the session', async () => {
    const s = await login(t.app, 'admin', ADMIN_PASSWORD);
    const other = await login(t.app, 'admin', ADMIN_PASSWORD);
    expect((await request(t.app, 'GET', '/api/auth/me', { cookie: s.session! })).status).toBe(200);
    const sessions = () =>
      t.app.db.kysely
        .selectFrom('sessions')
        .select('token_hash')
        .where('token_hash', '=', sha256(s.session!))
        .execute();
    expect(await sessions()).toHaveLength(1);
    const out = await request(t.app, 'POST', '/api/auth/logout', { cookie: s.session! });
    expect(out.status).toBe(200);
    const cleared = out.cookies.find((c) => c.name === 'kw_session')!;
    expect(cleared.value).toBe('');
    expect(await sessions()).toHaveLength(0);
    expect((await request(t.app, 'GET', '/api/auth/me', { cookie: s.session! })).status).toBe(401);
    expect((await request(t.app, 'POST', '/api/auth/logout', { cookie: s.session! })).status).toBe(401);
    // Only that session ended.
    expect((await request(t.app, 'GET', '/api/auth/me', { cookie: other.session! })).status).toBe(200);
  });

  it('answers a wrong password exactly as an unknown user, and audits the attempt', async () => {
    const wrong = await login(t.app, 'admin', 'not-the-password');
    const unknown = await login(t.app, 'nobody-here', 'not-the-password');
    const noPassword = await login(t.app, 'admin', ADMIN_PASSWORD.toUpperCase());
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(noPassword.body).toEqual(unknown.body);
    expect(wrong.body.error).toEqual({ code: 'unauthorized', message: 'wrong user name or password' });
    expect(wrong.session).toBeUndefined();
    const audit = await request(t.app, 'GET', '/api/audit', { bearer: t.token });
    const failed = audit.body.items.filter((e: { action: string }) => e.action === 'login_failed');
    expect(failed.map((e: { actor: string }) => e.actor)).toEqual(expect.arrayContaining(['admin', 'nobody-here']));
    // The attempted password is not recorded anywhere.
    expect(JSON.stringify(audit.body)).not.toContain('not-the-password');
  });

  it('rate-limits login: the 11th attempt within a minute gets 429, even with the right password', async () => {
    const ip = '198.51.100.23';
    for (let i = 1; i <= 10; i++) {
      const res = await login(t.app, 'admin', `guess-${i}-wrong`, ip);
      expect(res.status, `attempt ${i}`).toBe(401);
    }
    const blocked = await login(t.app, 'admin', ADMIN_PASSWORD, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(blocked.session).toBeUndefined();
    // Another address is not affected.
    expect((await login(t.app, 'admin', ADMIN_PASSWORD, '198.51.100.24')).status).toBe(200);
  });

  it('stores passwords as argon2id and tokens and sessions only as hashes', async () => {
    const s = await login(t.app, 'admin', ADMIN_PASSWORD);
    const tok = await request(t.app, 'POST', '/api/auth/tokens', { bearer: t.token, body: { name: 'hash-check' } });
    expect(tok.body.token).toMatch(/^kw_[A-Za-z0-9_-]{20,}$/);
    const users = await t.app.db.kysely.selectFrom('users').select(['username', 'password_hash']).execute();
    expect(users.length).toBeGreaterThan(1);
    for (const u of users) expect(u.password_hash, u.username).toMatch(/^\$argon2id\$/);
    const tokenRow = await t.app.db.kysely
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', tok.body.id)
      .executeTakeFirstOrThrow();
    expect(tokenRow.token_hash).toBe(sha256(tok.body.token));

    const dump = await dumpSqliteDatabase(t.app);
    for (const secret of [tok.body.token, t.token, s.session!, ADMIN_PASSWORD, 'dora-password-123']) {
      expect(dump.includes(secret), `secret ${secret.slice(0, 8)}… stored in clear`).toBe(false);
    }
    expect(dump).toContain(sha256(tok.body.token));
  });

  it('lists API tokens without their values; deleting one revokes it; tokens of others cannot be deleted', async () => {
    const tok = await request(t.app, 'POST', '/api/auth/tokens', { bearer: t.token, body: { name: 'to-revoke' } });
    expect(tok.status).toBe(201);
    const list = await request(t.app, 'GET', '/api/auth/tokens', { bearer: t.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { name: string }) => i.name)).toContain('to-revoke');
    expect(JSON.stringify(list.body)).not.toContain(tok.body.token);
    expect(JSON.stringify(list.body)).not.toContain(t.token);
    expect(JSON.stringify(list.body)).not.toContain(sha256(tok.body.token));

    const eve = await request(t.app, 'POST', '/api/users', {
      bearer: t.token,
      body: { username: 'eve', password: 'eve-password-123', role: 'admin', allCustomers: true },
    });
    expect(eve.status).toBe(201);
    const eveSession = await login(t.app, 'eve', 'eve-password-123');
    const foreign = await request(t.app, 'DELETE', `/api/auth/tokens/${tok.body.id}`, { cookie: eveSession.session! });
    expect(foreign.status).toBe(404);
    expect((await request(t.app, 'GET', '/api/auth/me', { bearer: tok.body.token })).status).toBe(200);

    expect((await request(t.app, 'DELETE', `/api/auth/tokens/${tok.body.id}`, { bearer: t.token })).status).toBe(200);
    expect((await request(t.app, 'GET', '/api/auth/me', { bearer: tok.body.token })).status).toBe(401);
    expect((await request(t.app, 'DELETE', `/api/auth/tokens/${tok.body.id}`, { bearer: t.token })).status).toBe(404);
  });

  it('never lets an API token carry more rights than its user', async () => {
    const v = await request(t.app, 'POST', '/api/users', {
      bearer: t.token,
      body: { username: 'vic', password: 'vic-password-123', role: 'viewer', allCustomers: true },
    });
    expect(v.status).toBe(201);
    const s = await login(t.app, 'vic', 'vic-password-123');
    const tokensBefore = await t.app.db.kysely.selectFrom('api_tokens').select('id').execute();
    const escalate = await request(t.app, 'POST', '/api/auth/tokens', {
      cookie: s.session!,
      body: { name: 'root', role: 'admin' },
    });
    expect(escalate.status).toBe(403);
    expect(await t.app.db.kysely.selectFrom('api_tokens').select('id').execute()).toHaveLength(tokensBefore.length);

    // A token that says admin (written before the user was demoted, say) still acts as a viewer.
    const plain = await request(t.app, 'POST', '/api/auth/tokens', { cookie: s.session!, body: { name: 'ro' } });
    expect(plain.status).toBe(201);
    await t.app.db.kysely.updateTable('api_tokens').set({ role: 'admin' }).where('id', '=', plain.body.id).execute();
    expect((await request(t.app, 'GET', '/api/auth/me', { bearer: plain.body.token })).body.user.role).toBe('viewer');
    expect((await request(t.app, 'GET', '/api/users', { bearer: plain.body.token })).status).toBe(403);
    expect(
      (await request(t.app, 'POST', '/api/customers', { bearer: plain.body.token, body: { name: 'Escalated' } }))
        .status,
    ).toBe(403);

    // A narrower token of an admin is narrower.
    const ro = await request(t.app, 'POST', '/api/auth/tokens', {
      bearer: t.token,
      body: { name: 'read-only', role: 'viewer' },
    });
    expect(ro.status).toBe(201);
    expect((await request(t.app, 'GET', '/api/jobs', { bearer: ro.body.token })).status).toBe(200);
    expect(
      (await request(t.app, 'POST', '/api/customers', { bearer: ro.body.token, body: { name: 'Nope' } })).status,
    ).toBe(403);
  });
});

describe('first start without KEEPWATCH_ADMIN_PASSWORD (sqlite)', () => {
  let dataDir: string;
  let app: App | undefined;
  const start = async () =>
    createApp(
      loadConfigFromEnv({
        KEEPWATCH_DATA: dataDir,
        KEEPWATCH_SECRET: 'test-master-key-material-0123456789',
        KEEPWATCH_SCHEDULER: 'false',
        LOG_LEVEL: 'silent',
      }),
      { logger: pino({ level: 'silent' }) },
    );

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'kw-setup-'));
    app = await start();
  });
  afterAll(async () => {
    await app?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the admin without a password and a one-time setup token that sets it once', async () => {
    const token = app!.setupToken;
    expect(token).toMatch(/^kws_/);
    const admin = await app!.db.kysely.selectFrom('users').selectAll().execute();
    expect(admin).toHaveLength(1);
    expect(admin[0]).toMatchObject({ username: 'admin', role: 'admin', password_hash: null });
    // No password yet: nobody can sign in, whatever they type.
    expect((await login(app!, 'admin', '')).status).toBe(400);
    expect((await login(app!, 'admin', 'anything-at-all')).status).toBe(401);

    const short = await request(app!, 'POST', '/api/auth/setup', { body: { token, password: 'short' }, ip: freshIp() });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/password/);
    const bad = await request(app!, 'POST', '/api/auth/setup', {
      body: { token: 'kws_not-the-token', password: 'a-long-enough-password' },
      ip: freshIp(),
    });
    expect(bad.status).toBe(401);
    expect((await app!.db.kysely.selectFrom('users').select('password_hash').executeTakeFirst())!.password_hash).toBe(
      null,
    );

    // The failed attempts did not use the token up.
    const ok = await request(app!, 'POST', '/api/auth/setup', {
      body: { token, password: 'the-new-admin-password' },
      ip: freshIp(),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ username: 'admin', role: 'admin' });
    const hash = (await app!.db.kysely.selectFrom('users').select('password_hash').executeTakeFirst())!.password_hash;
    expect(hash).toMatch(/^\$argon2id\$/);
    expect((await login(app!, 'admin', 'the-new-admin-password')).status).toBe(200);

    const again = await request(app!, 'POST', '/api/auth/setup', {
      body: { token, password: 'an-attackers-password' },
      ip: freshIp(),
    });
    expect(again.status).toBe(401);
    expect((await login(app!, 'admin', 'an-attackers-password')).status).toBe(401);
    expect((await login(app!, 'admin', 'the-new-admin-password')).status).toBe(200);
    // The default customer exists from the first start.
    const s = await login(app!, 'admin', 'the-new-admin-password');
    const customers = await request(app!, 'GET', '/api/customers', { cookie: s.session! });
    expect(customers.body.items.map((c: { slug: string }) => c.slug)).toEqual(['default']);
  });

  it('issues no setup link on the next start once the password is set', async () => {
    await app!.close();
    app = await start();
    expect(app.setupToken).toBeNull();
    expect((await app.db.kysely.selectFrom('users').selectAll().execute()).map((u) => u.username)).toEqual(['admin']);
    expect((await login(app, 'admin', 'the-new-admin-password')).status).toBe(200);
  });
});

describe('session cookie of an installation served over https (sqlite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { KEEPWATCH_SCHEDULER: 'false', KEEPWATCH_PUBLIC_URL: 'https://kw.example' });
  });
  afterAll(async () => t?.close());

  it('marks the cookie Secure', async () => {
    const s = await login(t.app, 'admin', ADMIN_PASSWORD);
    expect(s.status).toBe(200);
    const cookie = s.cookies.find((c) => c.name === 'kw_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
  });
});
