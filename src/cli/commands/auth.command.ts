import { hostname } from 'node:os';
import type { Command } from 'commander';
import { ApiClient } from '../api-client.js';
import type { User } from '../api.types.js';
import { contextOf } from '../cli.context.js';
import { deleteCredentials, readCredentials, writeCredentials } from '../credentials.store.js';
import { readSecret } from '../prompt.js';

export function registerAuthCommands(program: Command): void {
  program
    .command('login')
    .description('sign in and save an API token to the credentials file (mode 0600)')
    .option('--username <name>', 'user name', 'admin')
    .addHelpText(
      'after',
      '\nThe password is read from a prompt (echo off), from stdin when it is not a terminal, or from KEEPWATCH_PASSWORD.',
    )
    .action(async (options: { username: string }, command: Command) => {
      const ctx = contextOf(command);
      const server = await ctx.loginServer();
      const password =
        ctx.env.KEEPWATCH_PASSWORD ?? (await readSecret(`Password for ${options.username} at ${server}: `));
      if (password === '') throw new Error('no password given');
      // No token yet: a stale one from the file must not be sent along with a password.
      const client = new ApiClient(server, undefined);
      const result = await client.post<{ user: User; token?: IssuedToken }>('/api/auth/login', {
        username: options.username,
        password,
        createToken: { name: `cli@${hostname()}` },
      });
      const issued = typeof result.token === 'string' ? { token: result.token } : result.token;
      if (!issued?.token) throw new Error(`${server} signed you in but issued no API token`);
      await writeCredentials(ctx.credentialsFile, {
        server,
        token: issued.token,
        username: result.user.username,
        ...(issued.id !== undefined ? { tokenId: issued.id } : {}),
      });
      if (ctx.json) ctx.printJson({ server, user: result.user, credentialsFile: ctx.credentialsFile });
      else
        ctx.print(
          `Logged in to ${server} as ${result.user.username} (${result.user.role}); token saved to ${ctx.credentialsFile}`,
        );
    });

  program
    .command('logout')
    .description('revoke the saved API token and delete the credentials file')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const credentials = await readCredentials(ctx.credentialsFile);
      if (credentials?.tokenId !== undefined) {
        // Revoke the token, so a copy of the file is worth nothing. Best effort: the file goes
        // away even when the server is unreachable or the token was already deleted.
        await new ApiClient(credentials.server, credentials.token)
          .request('DELETE', `/api/auth/tokens/${credentials.tokenId}`)
          .catch((error: Error) => ctx.warn(`could not revoke the token on ${credentials.server}: ${error.message}`));
      }
      const removed = await deleteCredentials(ctx.credentialsFile);
      ctx.print(removed ? `Logged out; removed ${ctx.credentialsFile}` : 'Not logged in.');
    });

  program
    .command('whoami')
    .description('show the user the current token belongs to')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const connection = await ctx.connection();
      const client = await ctx.client();
      const { user } = await client.get<{ user: User }>('/api/auth/me');
      if (ctx.json) {
        ctx.printJson({ server: connection.server, tokenSource: connection.tokenSource, user });
        return;
      }
      const source = { flag: '--token', env: 'KEEPWATCH_TOKEN', credentials: ctx.credentialsFile, none: 'no token' }[
        connection.tokenSource
      ];
      ctx.print(`${user.username} (${user.role}) at ${connection.server}, token from ${source}`);
    });
}

/** The server returns the new token as an object (`{token, id, name, expiresAt}`); older drafts as a string. */
type IssuedToken = string | { token: string; id?: number };
