import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, unlink, writeFile } from 'node:fs/promises';
import { basename, delimiter, isAbsolute, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { LogFn } from './source.contract.js';

/**
 * Shared plumbing for adapters that drive an external dump/restore tool (pg_dump, mariadb, ...).
 * Tools always run without a shell (no quoting bugs, no injection through names) and get their
 * credentials from an environment variable or a 0600 file in the run's scratch directory, never
 * from argv (argv is world-readable through /proc and `ps`).
 */

const STDERR_TAIL_BYTES = 4096;
const STDERR_LINE_MAX = 2048;
const STDERR_LOG_LINES = 200;
const CAPTURE_MAX_BYTES = 64 * 1024;

export interface ToolOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Strings removed from any stderr text we keep or log (passwords). */
  secrets?: readonly (string | undefined)[];
  /** Fed to the tool's stdin; an error on it kills the tool so a half-read input never "succeeds". */
  stdin?: Readable;
  /** 'stream': hand stdout to the caller; 'capture': collect it (small outputs); default 'ignore'. */
  stdout?: 'stream' | 'capture' | 'ignore';
  /** Receives the first lines of stderr (scrubbed), e.g. the run log. */
  log?: LogFn;
  /** Sees every stderr line (scrubbed), e.g. to count psql errors. */
  onStderrLine?: (line: string) => void;
  /** Time between SIGTERM and SIGKILL after an abort. */
  killGraceMs?: number;
}

export interface ToolExit {
  stdout: string;
  stderrTail: string;
}

export interface ToolProcess {
  /** The tool's stdout when `stdout: 'stream'`, else null. */
  stdout: Readable | null;
  /**
   * Settles once the tool has exited; rejects on a non-zero exit, a kill, an abort or a failed
   * stdin, with "<tool> exited with code N: <stderr tail>". Already marked as handled, so a
   * caller that first drains `stdout` and only then awaits `done` does not crash the process
   * with an unhandled rejection.
   */
  done: Promise<ToolExit>;
}

/** Replaces every occurrence of each secret, and a secret's tail cut off at the start of `text`. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[], truncatedStart = false): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join('***');
    if (truncatedStart) {
      // A bounded tail may begin in the middle of a secret; drop any leading piece of one.
      for (let k = secret.length - 1; k > 0; k--) {
        if (out.startsWith(secret.slice(-k))) {
          out = `***${out.slice(k)}`;
          break;
        }
      }
    }
  }
  return out;
}

export function runTool(opts: ToolOptions): ToolProcess {
  const name = basename(opts.command);
  const secrets = opts.secrets ?? [];
  const stdoutMode = opts.stdout ?? 'ignore';
  // detached = own process group, so an abort also reaches helpers the tool forks
  // (pg_dumpall runs one pg_dump per database) instead of leaving them writing into our pipe.
  const child = spawn(opts.command, [...opts.args], {
    env: opts.env,
    shell: false,
    detached: true,
    stdio: [opts.stdin ? 'pipe' : 'ignore', stdoutMode === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
  });

  let tail = Buffer.alloc(0);
  let truncated = false;
  let partialLine = '';
  let loggedLines = 0;
  const emitLine = (raw: string): void => {
    const line = scrubSecrets(raw.slice(0, STDERR_LINE_MAX), secrets).trimEnd();
    if (!line) return;
    opts.onStderrLine?.(line);
    if (opts.log && loggedLines < STDERR_LOG_LINES) {
      loggedLines++;
      opts.log('warn', `${name}: ${line}`);
      if (loggedLines === STDERR_LOG_LINES) opts.log('warn', `${name}: further output not logged`);
    }
  };
  const stderrClosed = new Promise<void>((resolve) => {
    const stderr = child.stderr;
    if (!stderr) return resolve();
    stderr.on('data', (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > STDERR_TAIL_BYTES) {
        tail = tail.subarray(tail.length - STDERR_TAIL_BYTES);
        truncated = true;
      }
      const lines = (partialLine + chunk.toString('utf8')).split('\n');
      partialLine = (lines.pop() ?? '').slice(-STDERR_LINE_MAX);
      for (const line of lines) emitLine(line);
    });
    stderr.on('close', () => {
      emitLine(partialLine);
      resolve();
    });
  });

  let captured = '';
  if (stdoutMode === 'capture' && child.stdout) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      if (captured.length < CAPTURE_MAX_BYTES) captured += s;
    });
  }

  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const killGroup = (sig: NodeJS.Signals): void => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      child.kill(sig);
    }
  };
  const terminate = (): void => {
    killGroup('SIGTERM');
    killTimer ??= setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 5000);
    killTimer.unref();
  };
  const onAbort = (): void => {
    aborted = true;
    terminate();
  };
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener('abort', onAbort, { once: true });

  let inputError: Error | undefined;
  let stdinBroken = false;
  let stdinDone: Promise<Error | undefined> = Promise.resolve(undefined);
  if (opts.stdin && child.stdin) {
    const input = opts.stdin;
    const sink = child.stdin;
    // Not stream.pipeline: it would report the tool's EPIPE as an input error and destroy the
    // input with it; the two failures mean different things here.
    input.once('error', (err) => {
      inputError = err;
      terminate();
    });
    input.once('close', () => {
      // Destroyed without an error (a cancelled upstream): the tool must not see a clean EOF.
      if (!input.readableEnded && !inputError && !stdinBroken) {
        inputError = new Error('the input closed before its end');
        terminate();
      }
    });
    stdinDone = new Promise((resolve) => {
      sink.once('finish', () => resolve(undefined));
      sink.once('error', (err) => {
        stdinBroken = true;
        // EPIPE when the tool quits early is expected; its exit code tells the real story.
        input.unpipe(sink);
        input.destroy();
        resolve(err);
      });
      sink.once('close', () => resolve(new Error('the tool closed its input')));
    });
    input.pipe(sink);
  }

  type Exit = { code: number | null; sig: NodeJS.Signals | null; spawnError?: Error };
  const exited = new Promise<Exit>((resolve) => {
    // `on`, not `once`: a later 'error' (a failed kill) without a listener would crash the server.
    child.on('error', (err) => resolve({ code: null, sig: null, spawnError: err }));
    child.once('exit', (code, sig) => resolve({ code, sig }));
  });

  const done = (async (): Promise<ToolExit> => {
    const { code, sig, spawnError } = await exited;
    if (!spawnError) {
      // Give stderr a moment to drain; a grandchild holding it open must not hang us.
      await Promise.race([stderrClosed, new Promise((r) => setTimeout(r, 2000).unref())]);
    }
    const stdinResult = await Promise.race([stdinDone, new Promise((r) => setTimeout(r, 2000).unref())]);
    clearTimeout(killTimer);
    opts.signal.removeEventListener('abort', onAbort);
    const stderrTail = scrubSecrets(tail.toString('utf8'), secrets, truncated).trim();
    const detail = stderrTail ? `: ${stderrTail}` : '';
    if (spawnError) throw new Error(`${name} could not be started: ${spawnError.message}`);
    if (aborted) throw new Error(`${name} was cancelled${detail}`, { cause: opts.signal.reason });
    if (inputError) {
      throw new Error(`${name} input failed: ${scrubSecrets(inputError.message, secrets)}`, {
        cause: inputError,
      });
    }
    if (sig) throw new Error(`${name} was killed by ${sig}${detail}`);
    if (code !== 0) throw new Error(`${name} exited with code ${code}${detail}`);
    if (stdinResult instanceof Error) {
      throw new Error(`${name} stopped reading its input: ${stdinResult.message}${detail}`);
    }
    return { stdout: captured, stderrTail };
  })();
  done.catch(() => undefined);

  return { stdout: stdoutMode === 'stream' ? claimStdout(child.stdout) : null, done };
}

/**
 * Hands the tool's stdout to a PassThrough at once. Node resumes (and so discards) the buffered
 * output of a child that exits while nobody has consumed its stdout yet: a small dump that
 * finished before the caller attached its pipeline would silently lose its first 64 KiB.
 * Piping claims the stream now; backpressure still reaches the tool through the pipe.
 */
function claimStdout(stdout: Readable | null): Readable | null {
  if (!stdout) return null;
  // A small buffer: backpressure must reach the tool quickly (a cancelled dump stops writing).
  const out = new PassThrough();
  stdout.once('error', (err) => out.destroy(err));
  stdout.pipe(out);
  return out;
}

/** Runs a tool to completion and returns its captured stdout (for version checks and probes). */
export async function captureTool(opts: Omit<ToolOptions, 'stdout' | 'stdin'>): Promise<ToolExit> {
  return runTool({ ...opts, stdout: 'capture' }).done;
}

const versionCache = new Map<string, Promise<string | undefined>>();

/** First line of `<command> --version`, cached per command; undefined when it cannot be run. */
export function toolVersion(command: string): Promise<string | undefined> {
  let cached = versionCache.get(command);
  if (!cached) {
    cached = captureTool({
      command,
      args: ['--version'],
      env: { PATH: process.env.PATH ?? '' },
      signal: AbortSignal.timeout(10_000),
    }).then(
      (r) => r.stdout.split('\n')[0]?.trim() || undefined,
      () => undefined,
    );
    versionCache.set(command, cached);
  }
  return cached;
}

/** Returns the first of `names` found as an executable on PATH, or undefined. */
export async function findOnPath(...names: string[]): Promise<string | undefined> {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => isAbsolute(d));
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        await access(candidate, fsConstants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

/**
 * Writes a credentials file (mode 0600, never overwriting) inside the run's scratch directory
 * and returns its path. The caller's scratch cleanup removes it; `removeSecretFile` lets an
 * adapter shorten its life further.
 */
export async function writeSecretFile(scratchDir: string, prefix: string, content: string): Promise<string> {
  if (!isAbsolute(scratchDir)) throw new Error('scratchDir must be an absolute path');
  const path = join(scratchDir, `${prefix}-${randomBytes(8).toString('hex')}`);
  // 'wx' refuses to follow a planted symlink or reuse an existing file.
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return path;
}

export async function removeSecretFile(path: string | undefined): Promise<void> {
  if (path) await unlink(path).catch(() => undefined);
}

/** Environment for a tool: the server's environment minus variables that would override ours. */
export function toolEnv(dropPrefixes: readonly string[], extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!dropPrefixes.some((p) => key.startsWith(p))) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) env[key] = value;
  }
  return env;
}
