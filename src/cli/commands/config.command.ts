import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import type { ConfigChange } from '../api.types.js';
import { contextOf } from '../cli.context.js';
import { resolveConfigReferences } from '../config-references.js';
import { formatTable } from '../output.format.js';

export function registerConfigCommands(program: Command): void {
  program
    .command('apply')
    .description('create or update resources from a YAML file (idempotent)')
    .requiredOption('-f, --file <file>', 'YAML file, or - for stdin')
    .option('--dry-run', 'show what would change without changing anything')
    .addHelpText('after', '\n${env:NAME} and ${file:/path} references are resolved here, on the client.')
    .action(async (options: { file: string; dryRun?: boolean }, command: Command) => {
      const ctx = contextOf(command);
      const fromStdin = options.file === '-';
      const source = fromStdin ? await readStdin() : await readFile(options.file, 'utf8');
      const yaml = resolveConfigReferences(source, {
        env: ctx.env,
        readFile: (path) => readFileSync(path, 'utf8'),
        sourceName: fromStdin ? 'stdin' : options.file,
        baseDir: fromStdin ? process.cwd() : dirname(resolve(options.file)),
      });
      const client = await ctx.client();
      const result = await client.post<{ changes: ConfigChange[] }>('/api/config/apply', {
        yaml,
        dryRun: options.dryRun === true,
      });
      if (ctx.json) return ctx.printJson(result);
      if (result.changes.length === 0) return ctx.print('Nothing to apply.');
      ctx.print(
        formatTable(
          ['KIND', 'NAME', 'ACTION'],
          result.changes.map((change) => [change.kind, change.name, change.action]),
        ),
      );
      const changed = result.changes.filter((change) => change.action !== 'unchanged').length;
      ctx.print(
        options.dryRun
          ? `dry run: ${changed} change(s) would be made, nothing was changed`
          : `${changed} change(s) applied`,
      );
    });

  program
    .command('export')
    .description('print the current configuration as YAML (secrets omitted or referenced)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (options: { output?: string }, command: Command) => {
      const ctx = contextOf(command);
      const client = await ctx.client();
      const result = await client.get<{ yaml: string }>('/api/config/export');
      if (ctx.json) return ctx.printJson(result);
      if (options.output && options.output !== '-') {
        await writeFile(options.output, result.yaml);
        process.stderr.write(`wrote ${options.output}\n`);
      } else {
        ctx.print(result.yaml);
      }
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
