import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import type { Backup, Resource, Run } from '../api.types.js';
import { createAtomicFile } from '../atomic-file.js';
import { contextOf } from '../cli.context.js';
import { lookup } from '../lookup.js';
import { formatBytes, formatTimestamp } from '../output.format.js';
import { confirm } from '../prompt.js';
import { backupsTable, formatBackup } from '../resource.format.js';
import { registerBackupDecrypt } from './backup-decrypt.command.js';
import { getJob } from './job.command.js';
import { parseId } from './run.command.js';

export function registerBackupCommands(program: Command): void {
  const backup = program.command('backup').description('list, verify, restore, download and decrypt backups');

  backup
    .command('list')
    .description('list stored backups, newest first')
    .option('--job <job>', 'job id, name, or customer-slug/name')
    .action(async (options: { job?: string }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const jobId = options.job ? (await getJob(client, options.job)).id : undefined;
      const result = await client.list<Backup>('/api/backups', { jobId });
      if (ctx.json) return ctx.printJson(result);
      ctx.print(result.items.length === 0 ? 'No backups.' : backupsTable(result.items));
    });

  backup
    .command('show')
    .description('show a backup and its metadata')
    .argument('<backup>', 'backup id', parseId)
    .action(async (id: number, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const item = await (await ctx.client()).get<Backup>(`/api/backups/${id}`);
      if (ctx.json) return ctx.printJson(item);
      ctx.print(formatBackup(item));
    });

  backup
    .command('verify')
    .description('re-read a backup and check its authentication tags and SHA-256 (a verify run)')
    .argument('<backup>', 'backup id', parseId)
    .option('--no-wait', 'start the verify run and return')
    .option('--no-progress', 'no progress bar or progress lines')
    .action(async (id: number, options: { wait: boolean; progress: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const run = await client.post<Run>(`/api/backups/${id}/verify`);
      if (options.wait) {
        await ctx.followToEnd(client, run, { progress: options.progress });
        return;
      }
      if (ctx.json) return ctx.printJson(run);
      ctx.print(`started verify run #${run.id}; follow it with: keepwatch run logs ${run.id} --follow`);
    });

  backup
    .command('restore')
    .description('restore a backup into a source (a restore run, followed to its end)')
    .argument('<backup>', 'backup id', parseId)
    .requiredOption('--to <source>', 'target source: id or name')
    .option('--database <name>', "restore into this database instead of the source's own")
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--no-wait', 'start the restore run and return')
    .option('--no-progress', 'no progress bar or progress lines')
    .action(async (id: number, options: RestoreOptions, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const item = await client.get<Backup>(`/api/backups/${id}`);
      const source = await lookup<Resource>(client, '/api/sources', 'source', options.to);
      const target = `${source.name} (${source.kind})${options.database ? `, database ${options.database}` : ''}`;
      const question =
        `Restore backup #${item.id} of ${item.jobName} from ${formatTimestamp(item.createdAt)} into ${target}? ` +
        'Data in the target is overwritten.';
      if (!options.yes && !(await confirm(question))) return ctx.print('Nothing restored.');
      const run = await client.post<Run>(`/api/backups/${id}/restore`, {
        sourceId: source.id,
        ...(options.database ? { database: options.database } : {}),
      });
      if (options.wait) {
        await ctx.followToEnd(client, run, { progress: options.progress });
        return;
      }
      if (ctx.json) return ctx.printJson(run);
      ctx.print(`started restore run #${run.id}; follow it with: keepwatch run logs ${run.id} --follow`);
    });

  for (const action of ['pin', 'unpin'] as const) {
    backup
      .command(action)
      .description(action === 'pin' ? 'protect a backup from retention' : 'let retention delete a backup again')
      .argument('<backup>', 'backup id', parseId)
      .action(async (id: number, _options: unknown, command: Command) => {
        const ctx = contextOf(command);
        const item = await (await ctx.client()).post<Backup>(`/api/backups/${id}/${action}`);
        if (ctx.json) return ctx.printJson(item);
        ctx.print(`backup #${id}: ${item.pinned ? 'pinned' : 'not pinned'}`);
      });
  }

  backup
    .command('download')
    .description('download a backup, decrypted and decompressed by the server (--raw: the stored bytes)')
    .argument('<backup>', 'backup id', parseId)
    .requiredOption('-o, --output <file>', 'file to write, or - for stdout')
    .option('--raw', 'the stored bytes as they are (encrypted and compressed)')
    .action(async (id: number, options: { output: string; raw?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const response = await client.download(`/api/backups/${id}/download${options.raw ? '?raw=true' : ''}`);
      if (!response.body) throw new Error('the server sent no content');
      const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      if (options.output === '-') {
        await pipeline(body, process.stdout);
        return;
      }
      const bytes = await writeAtomically(body, options.output);
      process.stderr.write(`wrote ${options.output} (${formatBytes(bytes)})\n`);
    });

  registerBackupDecrypt(backup);
}

interface RestoreOptions {
  to: string;
  database?: string;
  yes?: boolean;
  wait: boolean;
  progress: boolean;
}

/** Streams into a temp file and renames it, so an aborted download leaves no partial file. */
async function writeAtomically(body: Readable, path: string): Promise<number> {
  const file = createAtomicFile(path);
  let bytes = 0;
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  try {
    await pipeline(body, file.stream);
    await file.commit();
    return bytes;
  } catch (error) {
    await file.abort();
    throw error;
  }
}
