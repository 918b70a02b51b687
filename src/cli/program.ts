import { Command, Option } from 'commander';
import { registerAuthCommands } from './commands/auth.command.js';
import { registerBackupCommands } from './commands/backup.command.js';
import { registerConfigCommands } from './commands/config.command.js';
import { registerJobCommands } from './commands/job.command.js';
import { registerMailCommands } from './commands/mail.command.js';
import { registerResourceCommands } from './commands/resource.command.js';
import { registerRunCommands } from './commands/run.command.js';
import { registerServeCommands } from './commands/serve.command.js';

export const CLI_VERSION = '0.1.0';

/** The whole `keepwatch` command tree; main.ts runs it, tests can inspect it. */
export function buildProgram(): Command {
  const program = new Command('keepwatch')
    .description('Keepwatch: run, watch and review backup jobs')
    .version(CLI_VERSION)
    .addOption(
      new Option(
        '--server <url>',
        'Keepwatch server URL (env KEEPWATCH_SERVER, else the credentials file, else http://localhost:8080)',
      ),
    )
    .addOption(
      new Option(
        '--token <token>',
        'API token (discouraged: visible in ps and shell history; use KEEPWATCH_TOKEN or keepwatch login)',
      ),
    )
    .option('--json', "print the API's JSON instead of tables")
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false, showGlobalOptions: true })
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 error or failed run, 2 run finished with a warning, 130 detached with Ctrl-C.' +
        '\nDocumentation: docs/cli.md',
    );

  registerServeCommands(program);
  registerAuthCommands(program);
  registerConfigCommands(program);
  registerJobCommands(program);
  registerRunCommands(program);
  registerBackupCommands(program);
  registerResourceCommands(program);
  registerMailCommands(program);
  return program;
}
