/* eslint-disable @typescript-eslint/no-explicit-any -- test helper: API answers are checked by the tests, not typed here */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import { loadConfigFromEnv } from '../../src/config/app-config.js';
import { createPgDatabase } from './databases.js';

export type Dialect = 'sqlite' | 'postgres';
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];
export const ADMIN_PASSWORD = 'admin-password-123';

export interface TestApp {
  app: App;
  dataDir: string;
  dialect: Dialect;
  databaseUrl?: string;
  /** Bearer token of the admin. */
  token: string;
  /** JSON request as the admin (or with `token`); returns status and parsed body. */
  call<T = any>(
    method: string,
    url: string,
    body?: unknown,
    token?: string | null,
  ): Promise<{ status: number; body: T }>;
  /** Waits until the run reaches a terminal status and returns it. */
  waitForRun(runId: number, timeoutMs?: number): Promise<any>;
  /** Creates a user with a role and customer scope and returns its API token. */
  userToken(username: string, role: string, opts?: { allCustomers?: boolean; customerIds?: number[] }): Promise<string>;
  close(): Promise<void>;
}

const TERMINAL = ['success', 'warning', 'failed', 'timed_out', 'cancelled', 'missed'];

/**
 * A whole Keepwatch app (services, engine, HTTP via inject) on a temp data dir and either the
 * embedded SQLite or a fresh PostgreSQL database.
 */
export async function startTestApp(dialect: Dialect = 'sqlite', env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kw-test-'));
  const pgdb = dialect === 'postgres' ? await createPgDatabase() : null;
  const config = loadConfigFromEnv({
    KEEPWATCH_DATA: dataDir,
    KEEPWATCH_ADMIN_PASSWORD: ADMIN_PASSWORD,
    KEEPWATCH_SECRET: 'test-master-key-material-0123456789',
    LOG_LEVEL: 'silent',
    ...(pgdb ? { DATABASE_URL: pgdb.url } : {}),
    ...env,
  });
  const app = await createApp(config, { logger: pino({ level: 'silent' }) });
  const call = async (method: string, url: string, body?: unknown, tok?: string | null) => {
    const headers: Record<string, string> = {};
    const t = tok === undefined ? token : tok;
    if (t) headers.authorization = `Bearer ${t}`;
    const res = await app.http.inject({
      method: method as 'GET',
      url,
      headers,
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    let parsed: unknown = res.body;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body: parsed as any };
  };
  let token = '';
  const login = await call(
    'POST',
    '/api/auth/login',
    { username: 'admin', password: ADMIN_PASSWORD, createToken: { name: 'tests' } },
    null,
  );
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  token = login.body.token.token;
  return {
    app,
    dataDir,
    dialect,
    ...(pgdb ? { databaseUrl: pgdb.url } : {}),
    get token() {
      return token;
    },
    call,
    async waitForRun(runId: number, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await call('GET', `/api/runs/${runId}`);
        if (r.status !== 200) throw new Error(`run ${runId}: ${JSON.stringify(r.body)}`);
        if (TERMINAL.includes(r.body.status)) return r.body;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${r.body.status} after ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async userToken(username, role, opts = {}) {
      const password = `${username}-password-123`;
      const u = await call('POST', '/api/users', {
        username,
        password,
        role,
        allCustomers: opts.allCustomers ?? false,
        customerIds: opts.customerIds ?? [],
      });
      if (u.status !== 201) throw new Error(`user ${username}: ${JSON.stringify(u.body)}`);
      const l = await call('POST', '/api/auth/login', { username, password, createToken: { name: 't' } }, null);
      return l.body.token.token as string;
    },
    async close() {
      await app.close();
      await pgdb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
