import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the server is started from here, as `npm run dev` does). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  readonly pid: number;
  /** http://127.0.0.1:<port> once ready (empty when the process never became ready). */
  readonly url: string;
  /** stdout and stderr of the process, appended to this file. */
  readonly logFile: string;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<ServerExit>;
  /** Whether the process has exited. */
  readonly hasExited: boolean;
  /** Everything the process wrote so far. */
  output(): string;
  /** JSON request against the server; returns status and parsed body (untyped JSON, as tests read it). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** Sends `signal` to the server process (not its children) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<ServerExit>;
}

/**
 * Environment of the child: the parent's PATH, HOME and so on, without any Keepwatch or
 * database setting of the parent (those would silently change which database the server uses).
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('KEEPWATCH_') || k === 'DATABASE_URL' || k === 'PORT' || k.startsWith('PG')) continue;
    if (k.startsWith('VITEST') || k === 'NODE_OPTIONS' || k === 'TEST') continue;
    base[k] = v;
  }
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

/**
 * Spawns `node --import tsx src/cli/main.ts serve` with `env`, output appended to `logFile`.
 * Does not wait for anything; use {@link startServerProcess} for a server that must be up.
 * PORT defaults to 0 (a free port chosen by the kernel, read back from the server's banner),
 * so parallel test files never race for a port.
 */
export function spawnServerProcess(opts: { env: Record<string, string>; logFile: string }): ServerProcess {
  const fd = openSync(opts.logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
      cwd: REPO_ROOT,
      env: childEnv({ PORT: '0', HOST: '127.0.0.1', ...opts.env }),
      // A file, not pipes: nothing in this process has to keep reading, and the output survives
      // the process (and this one) dying.
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let done = false;
  const exited = new Promise<ServerExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  let url = '';
  const proc: ServerProcess & { setUrl(u: string): void } = {
    get pid() {
      return child.pid ?? -1;
    },
    get url() {
      return url;
    },
    logFile: opts.logFile,
    exited,
    get hasExited() {
      return done;
    },
    setUrl(u: string) {
      url = u;
    },
    output: () => readFileSync(opts.logFile, 'utf8'),
    async call(method, route, body, token) {
      if (!url) throw new Error('the server is not ready');
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + route, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as never };
    },
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
  return proc;
}

/**
 * Starts a server process and waits until `/readyz` answers 200. Rejects (with the captured
 * output) when the process exits first or is not ready within `readyTimeoutMs`.
 */
export async function startServerProcess(opts: {
  env: Record<string, string>;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<ServerProcess> {
  // Only the lines written by this process count: the log file may hold earlier runs' output.
  const offset = (() => {
    try {
      return readFileSync(opts.logFile, 'utf8').length;
    } catch {
      return 0;
    }
  })();
  const proc = spawnServerProcess(opts) as ServerProcess & { setUrl(u: string): void };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  const fail = async (why: string): Promise<never> => {
    if (!proc.hasExited) await proc.kill('SIGKILL');
    throw new Error(`${why}; server output:\n${proc.output()}`);
  };
  let url = '';
  for (;;) {
    if (proc.hasExited) {
      const e = await proc.exited;
      return fail(`server process exited before it was ready (code ${e.code}, signal ${e.signal})`);
    }
    if (Date.now() > deadline) return fail(`server not ready after ${opts.readyTimeoutMs ?? 60_000} ms`);
    if (!url) {
      // `startServer` prints "Keepwatch is running on http://localhost:<port> (...)".
      const m = /Keepwatch is running on http:\/\/[^:\s]+:(\d+)/.exec(proc.output().slice(offset));
      if (m) url = `http://127.0.0.1:${m[1]}`;
    }
    if (url) {
      const ok = await fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        proc.setUrl(url);
        return proc;
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Logs in as `username` and returns a new API token. */
export async function loginToken(server: ServerProcess, username: string, password: string): Promise<string> {
  const r = await server.call('POST', '/api/auth/login', { username, password, createToken: { name: 'tests' } });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token.token as string;
}
