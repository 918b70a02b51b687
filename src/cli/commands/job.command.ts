import type { Command } from 'commander';
import { segment, type ApiClient } from '../api-client.js';
import type { Customer, Job, Run } from '../api.types.js';
import { contextOf } from '../cli.context.js';
import { lookup } from '../lookup.js';
import { formatDetails, formatRelative, formatTable, formatTimestamp } from '../output.format.js';
import { confirm } from '../prompt.js';
import { formatRetention, runsTable } from '../resource.format.js';

export function registerJobCommands(program: Command): void {
  const job = program.command('job').description('list, show, run and manage jobs');

  job
    .command('list')
    .description('list jobs')
    .option('--kind <kind>', 'backup, monitored or system')
    .option('--status <status>', 'active, disabled, running, failed or archived')
    .option('--customer <customer>', 'customer id, slug or name')
    .option('-q, --query <text>', 'search names and descriptions')
    .option('--archived', 'list archived jobs instead of the operational ones')
    .action(async (options: ListOptions, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const customerId = options.customer
        ? (await lookup<Customer>(client, '/api/customers', 'customer', options.customer)).id
        : undefined;
      const result = await client.list<Job>('/api/jobs', {
        kind: options.kind,
        status: options.status,
        q: options.query,
        customerId,
        archived: options.archived ? true : undefined,
      });
      if (ctx.json) return ctx.printJson(result);
      if (result.items.length === 0) return ctx.print('No jobs.');
      ctx.print(
        formatTable(
          ['ID', 'NAME', 'CUSTOMER', 'KIND', 'STATUS', 'SCHEDULE', 'LAST RUN', 'NEXT RUN'],
          result.items.map((item) => [
            String(item.id),
            item.name,
            item.customer.slug || item.customer.name,
            item.kind,
            item.status,
            item.scheduleText,
            item.lastRun ? `${item.lastRun.status} ${formatRelative(runTime(item.lastRun))}` : '-',
            formatRelative(item.nextRunAt),
          ]),
        ),
      );
    });

  job
    .command('show')
    .description('show a job with its last 10 runs and next run')
    .argument('<job>', 'job id, name, or customer-slug/name')
    .action(async (ref: string, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const item = await getJob(client, ref);
      const runs = await client.list<Run>('/api/runs', { jobId: item.id }, 10);
      if (ctx.json) return ctx.printJson({ job: item, runs: runs.items });
      ctx.print(formatJob(item));
      ctx.print(runs.items.length === 0 ? '\nNo runs yet.' : `\nLast runs:\n${runsTable(runs.items)}`);
    });

  job
    .command('run')
    .description('run a job now (also when disabled)')
    .argument('<job>', 'job id, name, or customer-slug/name')
    .option('--wait', 'follow the run to its end; exit 0 on success, 2 on warning, 1 otherwise')
    .option('--no-progress', 'no progress bar or progress lines, only log lines')
    .action(async (ref: string, options: { wait?: boolean; progress: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const run = await client.post<Run>(`/api/jobs/${segment(ref)}/run`);
      if (options.wait) {
        await ctx.followToEnd(client, run, { progress: options.progress });
        return;
      }
      if (ctx.json) return ctx.printJson(run);
      ctx.print(`queued run #${run.id} of ${run.jobName}; follow it with: keepwatch run logs ${run.id} --follow`);
    });

  for (const action of ['enable', 'disable', 'archive', 'unarchive'] as const) {
    job
      .command(action)
      .description(ACTION_HELP[action])
      .argument('<job>', 'job id, name, or customer-slug/name')
      .action(async (ref: string, _options: unknown, command: Command) => {
        const ctx = contextOf(command);
        const client = await ctx.client();
        const item = await client.post<Job>(`/api/jobs/${segment(ref)}/${action}`);
        if (ctx.json) return ctx.printJson(item);
        ctx.print(`job ${item.name}: ${item.status}`);
      });
  }

  job
    .command('delete')
    .description('delete a job; its stored backups are kept')
    .argument('<job>', 'job id, name, or customer-slug/name')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (ref: string, options: { yes?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const item = await getJob(client, ref);
      const question = `Delete job "${item.name}" of ${item.customer.name}? Its stored backups are kept.`;
      if (!options.yes && !(await confirm(question))) return ctx.print('Nothing deleted.');
      await client.request('DELETE', `/api/jobs/${item.id}`);
      if (ctx.json) return ctx.printJson({ deleted: item.id });
      ctx.print(`deleted job ${item.name} (id ${item.id}); its stored backups are kept`);
    });

  job
    .command('duplicate')
    .description('copy a job with all its settings')
    .argument('<job>', 'job id, name, or customer-slug/name')
    .option('--name <name>', 'name of the copy')
    .action(async (ref: string, options: { name?: string }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const copy = await client.post<Job>(
        `/api/jobs/${segment(ref)}/duplicate`,
        options.name ? { name: options.name } : {},
      );
      if (ctx.json) return ctx.printJson(copy);
      ctx.print(`created job ${copy.name} (id ${copy.id}) from ${ref}`);
    });
}

interface ListOptions {
  kind?: string;
  status?: string;
  customer?: string;
  query?: string;
  archived?: boolean;
}

const ACTION_HELP = {
  enable: 'run the job on its schedule again',
  disable: 'stop running the job on its schedule (it can still be run by hand)',
  archive: 'hide the job from operational views, keeping its history',
  unarchive: 'bring an archived job back',
} as const;

export function getJob(client: ApiClient, ref: string): Promise<Job> {
  return client.get<Job>(`/api/jobs/${segment(ref)}`);
}

function runTime(run: Run): string | null {
  return run.finishedAt ?? run.startedAt ?? run.queuedAt;
}

function formatJob(job: Job): string {
  const next = job.nextRunAt ? `${formatTimestamp(job.nextRunAt)} (${formatRelative(job.nextRunAt)})` : '-';
  // Monitored and system jobs have no compression (the API sends null).
  const c = job.compression;
  const compression = !c
    ? '-'
    : c.algorithm === 'none' || c.level == null
      ? c.algorithm
      : `${c.algorithm} level ${c.level}`;
  return formatDetails([
    ['ID', String(job.id)],
    ['Name', job.name],
    ['Customer', `${job.customer.name} (${job.customer.slug})`],
    ['Kind', job.kind],
    ['Status', job.status],
    ...(job.description ? [['Description', job.description] as const] : []),
    ['Schedule', job.scheduleText],
    ['Next run', next],
    ['Source', job.source ? `${job.source.name} (${job.source.kind ?? '?'})` : '-'],
    [
      'Destinations',
      job.destinations.map((d) => `${d.name} (${d.kind ?? '?'}, ${formatRetention(d.retention)})`).join(', ') || '-',
    ],
    ['Compression', compression],
    ['Encryption', job.encryptionProfile?.name ?? 'none'],
    ['Timeout', job.timeoutSeconds ? `${job.timeoutSeconds}s` : 'none'],
    [
      'Notifications',
      job.notifications.map((n) => `${n.channel.name} (${n.channel.kind ?? '?'}) on ${n.condition}`).join(', ') ||
        'none',
    ],
    ['Created', formatTimestamp(job.createdAt)],
    ['Updated', formatTimestamp(job.updatedAt)],
  ]);
}
