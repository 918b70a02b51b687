import { InvalidArgumentError, type Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import type { LogLine, Run } from '../api.types.js';
import { contextOf } from '../cli.context.js';
import { exitCodeForRunStatus, isTerminalStatus } from '../exit-codes.js';
import { formatRun, runsTable } from '../resource.format.js';
import { formatFinalLine, formatLogLine } from '../run-display.js';
import { getJob } from './job.command.js';

export function registerRunCommands(program: Command): void {
  const run = program.command('run').description('list, show, follow and cancel runs');

  run
    .command('list')
    .description('list runs, newest first')
    .option('--job <job>', 'job id, name, or customer-slug/name')
    .option('--status <status>', 'queued, running, success, warning, failed, timed_out, cancelled, missed')
    .option('--operation <operation>', 'backup, restore, verify or system')
    .option('--limit <n>', 'show at most this many runs', parseCount, 50)
    .action(async (options: { job?: string; status?: string; operation?: string; limit: number }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const jobId = options.job ? (await getJob(client, options.job)).id : undefined;
      const result = await client.list<Run>(
        '/api/runs',
        { jobId, status: options.status, operation: options.operation },
        options.limit,
      );
      if (ctx.json) return ctx.printJson(result);
      if (result.items.length === 0) return ctx.print('No runs.');
      ctx.print(runsTable(result.items));
      if (result.total > result.items.length) ctx.print(`(${result.items.length} of ${result.total}; see --limit)`);
    });

  run
    .command('show')
    .description('show a run with its steps')
    .argument('<run>', 'run id', parseId)
    .action(async (id: number, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const item = await client.get<Run>(`/api/runs/${id}`);
      if (ctx.json) return ctx.printJson(item);
      ctx.print(formatRun(item));
    });

  run
    .command('logs')
    .description('print the log of a run; --follow streams new lines until the run ends')
    .argument('<run>', 'run id', parseId)
    .option('-f, --follow', 'stream new lines until the run ends; exit 0 on success, 2 on warning, 1 otherwise')
    .option('--no-progress', 'with --follow: no progress bar or progress lines')
    .action(async (id: number, options: { follow?: boolean; progress: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const item = await client.get<Run>(`/api/runs/${id}`);
      const lastId = await printLogs(client, id, (line) =>
        ctx.json ? ctx.print(JSON.stringify(line)) : ctx.print(formatLogLine(line)),
      );
      if (!options.follow) return;
      if (isTerminalStatus(item.status)) {
        // Over already: end as a follow that saw the end does, with the outcome and its exit code.
        if (!ctx.json) ctx.print(formatFinalLine(item));
        ctx.setExitCode(exitCodeForRunStatus(item.status));
        return;
      }
      await ctx.followToEnd(client, item, { progress: options.progress, afterLogId: lastId, logsAsJson: true });
    });

  run
    .command('cancel')
    .description('cancel a queued or running run')
    .argument('<run>', 'run id', parseId)
    .action(async (id: number, _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const item = await client.post<Run>(`/api/runs/${id}/cancel`);
      if (ctx.json) return ctx.printJson(item);
      ctx.print(`run #${item.id} of ${item.jobName}: ${item.status}`);
    });
}

/** Prints every stored line of a run in order; returns the last id so a follower resumes there. */
async function printLogs(client: ApiClient, runId: number, print: (line: LogLine) => void): Promise<number> {
  let after = 0;
  for (;;) {
    const page = await client.get<{ items: LogLine[] }>(`/api/runs/${runId}/logs`, { after, limit: 500 });
    const last = page.items.at(-1);
    if (!last || last.id <= after) return after;
    page.items.forEach(print);
    after = last.id;
  }
}

export function parseId(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a numeric id');
  return Number(value);
}

function parseCount(value: string): number {
  const count = parseId(value);
  if (count < 1) throw new InvalidArgumentError('must be at least 1');
  return count;
}
