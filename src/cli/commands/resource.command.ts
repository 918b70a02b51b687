import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Customer, EncryptionProfile, Resource } from '../api.types.js';
import { writeFileAtomically } from '../atomic-file.js';
import { contextOf } from '../cli.context.js';
import { lookup } from '../lookup.js';
import { formatDetails, formatTable, formatTimestamp } from '../output.format.js';

/** The small resource commands: customers, sources, destinations, settings, encryption profiles. */
export function registerResourceCommands(program: Command): void {
  const customer = program.command('customer').description('list and create customers');
  customer
    .command('list')
    .description('list customers')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const result = await (await ctx.client()).list<Customer>('/api/customers');
      if (ctx.json) return ctx.printJson(result);
      ctx.print(
        formatTable(
          ['ID', 'NAME', 'SLUG'],
          result.items.map((item) => [String(item.id), item.name, item.slug]),
        ),
      );
    });
  customer
    .command('create')
    .description('create a customer')
    .argument('<name>', 'display name')
    .option('--timezone <zone>', 'IANA time zone, e.g. Europe/Paris (default: the instance zone)')
    .action(async (name: string, options: { timezone?: string }, command: Command) => {
      const ctx = contextOf(command);
      const body = options.timezone ? { name, timezone: options.timezone } : { name };
      const item = await (await ctx.client()).post<Customer>('/api/customers', body);
      if (ctx.json) return ctx.printJson(item);
      ctx.print(`created customer ${item.name} (id ${item.id}, slug ${item.slug})`);
    });

  const source = program.command('source').description('list and test sources');
  source
    .command('list')
    .description('list sources')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const result = await (await ctx.client()).list<Resource>('/api/sources');
      if (ctx.json) return ctx.printJson(result);
      ctx.print(resourceTable(result.items));
    });
  source
    .command('test')
    .description('check that Keepwatch can connect to a source')
    .argument('<source>', 'source id or name')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const item = await lookup<Resource>(client, '/api/sources', 'source', ref);
      const result = await client.post<{ ok: boolean; message: string; serverVersion?: string }>(
        `/api/sources/${item.id}/test`,
      );
      if (!result.ok) ctx.setExitCode(1);
      if (ctx.json) return ctx.printJson(result);
      const version = result.serverVersion ? ` (server ${result.serverVersion})` : '';
      ctx.print(`${item.name}: ${result.ok ? 'ok' : 'FAILED'}${version}: ${result.message}`);
    });

  program
    .command('destination')
    .description('list destinations')
    .command('list')
    .description('list destinations')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const result = await (await ctx.client()).list<Resource>('/api/destinations');
      if (ctx.json) return ctx.printJson(result);
      ctx.print(resourceTable(result.items));
    });

  program
    .command('settings')
    .description('instance settings')
    .command('show')
    .description('show the instance settings')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const settings = await (await ctx.client()).get<Record<string, unknown>>('/api/settings');
      if (ctx.json) return ctx.printJson(settings);
      ctx.print(formatDetails(Object.entries(settings).map(([key, value]) => [key, String(value)])));
    });

  const encryption = program.command('encryption').description('encryption profiles and recovery kits');
  encryption
    .command('list')
    .description('list encryption profiles')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const result = await (await ctx.client()).list<EncryptionProfile>('/api/encryption-profiles');
      if (ctx.json) return ctx.printJson(result);
      ctx.print(
        formatTable(
          ['ID', 'NAME', 'KEY ID', 'CREATED'],
          result.items.map((item) => [String(item.id), item.name, item.keyId ?? '-', formatTimestamp(item.createdAt)]),
        ),
      );
    });
  encryption
    .command('export')
    .description('write the recovery kit of a profile (the key!) to a file with mode 0600')
    .argument('<profile>', 'profile id or name')
    .requiredOption('-o, --output <file>', 'file to write (never stdout: the kit is a secret)')
    .option('--force', 'replace the file if it exists')
    .action(async (ref: string, options: { output: string; force?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      if (options.output === '-') throw new Error('the recovery kit is a secret and is never printed; give a file');
      const client = await ctx.client();
      const profile = await lookup<EncryptionProfile>(client, '/api/encryption-profiles', 'encryption profile', ref);
      const { kit } = await client.post<{ kit: string }>(`/api/encryption-profiles/${profile.id}/export`);
      if (options.force) await writeFileAtomically(options.output, kit);
      else await writeNew(options.output, kit);
      // Never the kit itself, not even with --json.
      if (ctx.json) return ctx.printJson({ profile: profile.name, file: options.output });
      ctx.print(`wrote the recovery kit of ${profile.name} to ${options.output} (mode 0600); keep it offline`);
    });
}

function resourceTable(items: readonly Resource[]): string {
  if (items.length === 0) return 'None.';
  return formatTable(
    ['ID', 'NAME', 'KIND', 'CUSTOMER'],
    items.map((item) => [String(item.id), item.name, item.kind, String(item.customerId)]),
  );
}

async function writeNew(path: string, content: string): Promise<void> {
  const exists = await stat(path).then(
    () => true,
    () => false,
  );
  if (exists) throw new Error(`${path} exists; pass --force to replace it`);
  await writeFileAtomically(path, content);
}
