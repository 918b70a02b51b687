#!/usr/bin/env node
// The `keepwatch` command: the compiled CLI when it has been built (npm run build), else the
// TypeScript source through tsx, so a fresh clone works before any build step.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const compiled = join(root, 'dist', 'cli', 'main.js');

if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  const tsx = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
  const result = spawnSync(tsx, [join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (result.error) {
    process.stderr.write(`error: cannot start ${tsx}: ${result.error.message} (run npm install, or npm run build)\n`);
    process.exit(1);
  }
  // A child killed by a signal: die the same way, so shells and supervisors see the signal.
  if (result.signal) process.kill(process.pid, result.signal);
  process.exit(result.status ?? 1);
}
