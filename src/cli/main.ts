#!/usr/bin/env node
// First import: sizes libuv's thread pool before any module can use it.
import './threadpool.js';
import { ApiError } from './api-client.js';
import { EXIT_FAILURE } from './exit-codes.js';
import { buildProgram } from './program.js';

/**
 * Entry point of `keepwatch` (node dist/cli/main.js, or tsx src/cli/main.ts in development).
 * Every failure ends here: one "error: <message>" line on stderr and exit code 1; stack traces
 * only with KEEPWATCH_DEBUG=1, because a user needs the message, not our internals.
 */
async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.stderr.write(`error: ${describe(error)}\n`);
    if (process.env.KEEPWATCH_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = EXIT_FAILURE;
  }
  // Exit explicitly: an idle keep-alive socket of fetch must not hold the process open.
  process.stdout.write('', () => process.exit(process.exitCode ?? 0));
}

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) {
      return `${error.message} (log in with \`keepwatch login\`, or set KEEPWATCH_TOKEN)`;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

await main(process.argv);
