import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root: the CLI runs from here, as `node --import tsx src/cli/main.ts`. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = path.join(REPO_ROOT, 'src', 'cli', 'main.ts');
// `--import tsx` resolves the package from the working directory: name the loader exactly, so
// the CLI can run from a temp directory (relative paths in argv then mean what a user means).
const TSX_LOADER = pathToFileURL(path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Variables for the child, on top of a clean copy of the parent's environment. */
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed (stdin is never a terminal). */
  stdin?: string;
  cwd?: string;
  /** Called with everything written to stdout so far, each time more arrives. */
  onStdout?: (stdout: string) => void;
}

/**
 * Runs `keepwatch ARGS` (`node --import tsx src/cli/main.ts ARGS`) as a user does, in a child process (asynchronously: the server under
 * test usually lives in this very process). The child gets no Keepwatch or libpq setting of
 * the parent, so only what a test passes decides the server, the token and the credentials.
 * Secrets go through `env` or `stdin`, never through argv.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('KEEPWATCH_') || key.startsWith('PG') || key === 'DATABASE_URL') continue;
    if (key.startsWith('VITEST') || key === 'NODE_OPTIONS' || key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => undefined); // the CLI may exit before reading stdin
    child.stdin.end(options.stdin ?? '');
  });
}
