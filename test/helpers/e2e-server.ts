import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startServerProcess, type ServerProcess } from './server-process.js';

/** Where the end-to-end suite writes its artifacts (screenshots, server logs). */
export const E2E_RESULTS = path.join(REPO_ROOT, 'test-results', 'e2e');

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'e2e-admin-password-123';

export interface E2eServer {
  /** http://127.0.0.1:<port>: what the browser opens. */
  readonly url: string;
  /** A scratch directory for the test's own files (SQLite databases, backup folders). */
  readonly workDir: string;
  /** The server's stdout + stderr (kept after the server stops, under test-results/e2e/logs). */
  readonly logFile: string;
  readonly process: ServerProcess;
  /** The one-time setup link the server printed (only when started without an admin password). */
  setupLink(): string | null;
  /** JSON request as the admin (API token); throws with the server's message unless 2xx. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  api<T = any>(method: string, route: string, body?: unknown): Promise<T>;
  /** JSON request as the admin, returning the status too (for expected failures). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx src/cli/main.ts serve` as a user would: a free port (PORT=0, read
 * back from the banner), a fresh KEEPWATCH_DATA, and — unless `firstRun` — a known admin
 * password. With `firstRun` the admin has no password and the server prints the setup link.
 * Resolves once /readyz answers 200.
 */
export async function startE2eServer(opts: { label: string; firstRun?: boolean }): Promise<E2eServer> {
  const logDir = path.join(E2E_RESULTS, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `server-${opts.label}.log`);
  writeFileSync(logFile, '', { mode: 0o600 });
  const root = mkdtempSync(path.join(os.tmpdir(), `kw-e2e-${opts.label}-`));
  const dataDir = path.join(root, 'data');
  const workDir = path.join(root, 'work');
  mkdirSync(dataDir);
  mkdirSync(workDir);
  const env: Record<string, string> = { KEEPWATCH_DATA: dataDir, LOG_LEVEL: 'info' };
  if (!opts.firstRun) env.KEEPWATCH_ADMIN_PASSWORD = ADMIN_PASSWORD;
  let proc: ServerProcess;
  try {
    proc = await startServerProcess({ env, logFile, readyTimeoutMs: 60_000 });
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  let token: string | null = null;
  const call: E2eServer['call'] = async (method, route, body) => {
    if (!token) {
      const r = await proc.call('POST', '/api/auth/login', {
        username: ADMIN_USER,
        password: ADMIN_PASSWORD,
        createToken: { name: 'e2e' },
      });
      if (r.status !== 200) throw new Error(`admin API login failed: ${r.status} ${JSON.stringify(r.body)}`);
      token = r.body.token.token as string;
    }
    return proc.call(method, route, body, token ?? undefined);
  };

  return {
    url: proc.url,
    workDir,
    logFile,
    process: proc,
    setupLink() {
      const m = /^\s*(https?:\/\/\S+\/setup\?token=\S+)\s*$/m.exec(proc.output());
      return m ? m[1]! : null;
    },
    call,
    async api(method, route, body) {
      const r = await call(method, route, body);
      if (r.status < 200 || r.status > 299) {
        throw new Error(`${method} ${route} → ${r.status} ${JSON.stringify(r.body)}`);
      }
      return r.body;
    },
    async stop() {
      if (!proc.hasExited) {
        const timer = setTimeout(() => void proc.kill('SIGKILL'), 10_000);
        await proc.kill('SIGTERM');
        clearTimeout(timer);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
