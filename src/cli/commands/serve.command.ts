import type { Command } from 'commander';
import type * as AppModule from '../../app.js';
import type { AppConfig } from '../../config/app-config.js';
import { contextOf } from '../cli.context.js';

// Loaded only by these two commands: every other command is a thin API client and must not
// pull in the server, the database drivers and the engine.
async function loadApp(): Promise<{ app: typeof AppModule; config: AppConfig }> {
  const app = await import('../../app.js');
  const { loadConfigFromEnv } = await import('../../config/app-config.js');
  return { app, config: loadConfigFromEnv(process.env) };
}

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('start the Keepwatch server (API, scheduler and workers)')
    .addHelpText(
      'after',
      '\nConfigured by the environment: PORT, KEEPWATCH_DATA, DATABASE_URL, KEEPWATCH_SECRET, ' +
        'KEEPWATCH_ADMIN_USER, KEEPWATCH_ADMIN_PASSWORD (see README).',
    )
    .action(async () => {
      const { app, config } = await loadApp();
      // startServer prints the URL and the first-start setup link itself.
      const server = await app.startServer(config);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals): void => {
          if (stopping) {
            // A second Ctrl-C means "now": do not wait for running work to wind down.
            process.stderr.write(`${signal} again: exiting immediately\n`);
            process.exit(1);
          }
          stopping = true;
          process.stderr.write(`${signal}: shutting down (again to force)\n`);
          server.close().then(resolve, (error: Error) => {
            process.stderr.write(`error: shutdown failed: ${error.message}\n`);
            process.exitCode = 1;
            resolve();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });

  program
    .command('migrate')
    .description('apply pending database migrations and exit')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const { app, config } = await loadApp();
      const applied = await app.runMigrations(config);
      if (ctx.json) return ctx.printJson({ applied });
      ctx.print(applied.length === 0 ? 'Database is up to date.' : applied.map((name) => `applied ${name}`).join('\n'));
    });
}
