import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import type { ParseResult } from '../../services/mail-report.dto.js';
import type { ImportResult } from '../api.types.js';
import { contextOf } from '../cli.context.js';
import { EXIT_FAILURE } from '../exit-codes.js';
import { formatTable, formatTimestamp } from '../output.format.js';

/** What one request may carry: the server takes 50 files, and a JSON body must stay far below 512 MiB. */
const BATCH_FILES = 50;
const BATCH_BYTES = 64 * 1024 * 1024;
/** Larger files are refused here; the server's own limit (25 MiB by default) is lower anyway. */
const UPLOAD_MAX_BYTES = 200 * 1024 * 1024;

/**
 * `keepwatch mail import` uploads report e-mails to the server; `keepwatch mail parse` shows
 * what the parsers make of them without any server (the parsers are imported only when the
 * command runs, so other commands start fast).
 */
export function registerMailCommands(program: Command): void {
  const mail = program.command('mail').description('import and test report e-mails (.eml)');

  mail
    .command('import')
    .description('upload .eml files: each becomes a run of its monitored job or waits in the Inbox')
    .argument('<files...>', '.eml files (RFC 822 messages)')
    .addHelpText('after', '\nExit code 1 when a file could not be read or the server rejected it.')
    .action(async (files: string[], _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const results: ImportResult[] = [];
      let batch: { name: string; content: string; file: string }[] = [];
      let batchBytes = 0;
      const client = await ctx.client();
      const flush = async () => {
        if (!batch.length) return;
        const answer = await client.post<{ results: ImportResult[] }>('/api/mail/import', {
          files: batch.map(({ name, content }) => ({ name, content })),
        });
        // The server echoes the name it was given; show the path the user typed.
        answer.results.forEach((r, i) => results.push({ ...r, file: batch[i]?.file ?? r.file }));
        batch = [];
        batchBytes = 0;
      };
      for (const file of files) {
        const raw = await readLocal(file);
        if (typeof raw === 'string') {
          await flush();
          results.push({ file, outcome: 'rejected', mailId: null, jobId: null, runId: null, error: raw });
          continue;
        }
        const content = raw.toString('base64');
        if (batch.length >= BATCH_FILES || batchBytes + content.length > BATCH_BYTES) await flush();
        batch.push({ name: path.basename(file), content, file });
        batchBytes += content.length;
      }
      await flush();
      if (results.some((r) => r.outcome === 'rejected')) ctx.setExitCode(EXIT_FAILURE);
      if (ctx.json) return ctx.printJson(results);
      for (const r of results) ctx.print(importLine(r));
    });

  mail
    .command('parse')
    .description('show what the parsers read from .eml files (offline: no server, no login)')
    .argument('<files...>', '.eml files (RFC 822 messages)')
    .addHelpText(
      'after',
      '\nWith --json: one object per file {file, parser, software, type, jobName, status, objects, startedAt, endedAt[, error]}.' +
        '\nExit code 1 when a file could not be read or is not an e-mail; a message no parser recognises is not an error.',
    )
    .action(async (files: string[], _options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const [{ parseRaw }, { parseResultOf }] = await Promise.all([
        import('../../adapters/mail-parsers/registry.js'),
        import('../../services/mail-report.dto.js'),
      ]);
      const results: ParseResult[] = [];
      for (const file of files) {
        const raw = await readLocal(file);
        if (typeof raw === 'string') {
          results.push(parseResultOf(file, null, raw));
          continue;
        }
        const parsed = await parseRaw(raw);
        results.push(parseResultOf(file, parsed.report, parsed.mail ? null : (parsed.error ?? 'unreadable message')));
      }
      if (results.some((r) => r.error !== undefined)) ctx.setExitCode(EXIT_FAILURE);
      if (ctx.json) return ctx.printJson(results);
      ctx.print(
        formatTable(
          ['FILE', 'PARSER', 'SOFTWARE', 'TYPE', 'JOB', 'STATUS', 'OBJECTS', 'STARTED', 'ENDED'],
          results.map((r) => [
            r.file,
            r.parser ?? '-',
            r.software ?? '-',
            r.type ?? '-',
            r.jobName ?? '-',
            r.error ? `error: ${r.error}` : (r.status ?? 'not recognised'),
            r.objects ? String(r.objects.length) : '-',
            r.startedAt ? formatTimestamp(r.startedAt) : '-',
            r.endedAt ? formatTimestamp(r.endedAt) : '-',
          ]),
        ),
      );
      // Objects that did not succeed say why: that is what people check a parser for.
      for (const r of results)
        for (const o of r.objects ?? [])
          if (o.status && o.status !== 'success') ctx.print(`  ${r.file}: ${o.name} ${o.status}: ${o.message ?? ''}`);
    });

  mail
    .command('parsers')
    .description('list the report parsers in the order they are tried (offline)')
    .action(async (_options: unknown, command: Command) => {
      const ctx = contextOf(command);
      const { listParsers } = await import('../../adapters/mail-parsers/registry.js');
      const items = listParsers();
      if (ctx.json) return ctx.printJson(items);
      ctx.print(
        formatTable(
          ['ORDER', 'NAME', 'SOFTWARE', 'TYPES'],
          items.map((p) => [String(p.order), p.name, p.software, p.types.join(', ')]),
        ),
      );
    });
}

/** The file's bytes, or why they cannot be had ("cannot read x.eml: no such file"). */
async function readLocal(file: string): Promise<Buffer | string> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return `cannot read ${file}: not a file`;
    if (info.size > UPLOAD_MAX_BYTES) return `${file} is ${info.size} bytes; report e-mails are far smaller`;
    return await readFile(file);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const reason = e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : e.message;
    return `cannot read ${file}: ${reason}`;
  }
}

function importLine(r: ImportResult): string {
  const parts = [`${r.file}: ${r.outcome}`];
  if (r.mailId !== null) parts.push(`mail #${r.mailId}`);
  if (r.jobId !== null) parts.push(`job #${r.jobId}`);
  if (r.runId !== null) parts.push(`run #${r.runId}`);
  const line = parts.join('  ');
  return r.error ? `${line}  (${r.error})` : line;
}
