import type { FetchedMail } from '../../adapters/mail-import/mail-import.js';
import { loadMailSourceAdapter } from '../../adapters/mail-import/registry.js';
import type { MailImporterRow } from '../../db/schema.js';
import { DEFAULT_BATCH_SIZE, importerDueAt, MAX_BATCH_SIZE } from '../../services/mail-importer.service.js';
import type { EngineDeps } from '../engine-deps.js';
import type { RunContext } from '../run-context.js';
import { RunFailure, type OperationOutcome } from './operation.js';

/** A scheduled run takes at most this many messages from one mailbox (the next run takes the rest). */
const PER_RUN_CAP = 1000;

interface ImportParams {
  /** "Import now": only this importer, at most `batchSize` messages. */
  importerId?: number;
  batchSize?: number;
}

interface Counts {
  fetched: number;
  inbox: number;
  linked: number;
  duplicate: number;
  rejected: number;
}

/**
 * The `mail_import` system task: polls every due IMAP/Graph importer (or the one "Import now"
 * named), ingests each message through the mail service, and moves what was stored (or was a
 * duplicate) to the processed folder. A message whose ingest failed stays in the mailbox for
 * the next poll. One importer failing makes the run a warning; all of them failing, a failure.
 */
export async function mailImportTask(ctx: RunContext, deps: EngineDeps): Promise<OperationOutcome> {
  const params = JSON.parse(ctx.run.params) as ImportParams;
  try {
    return await importDue(ctx, deps, params);
  } finally {
    // Aim the next fire at the next importer due, or park the job when nothing is left to poll.
    await deps.mailImporters.syncPolling().catch((err: Error) => deps.log('warn', `mail import: ${err.message}`));
  }
}

async function importDue(ctx: RunContext, deps: EngineDeps, params: ImportParams): Promise<OperationOutcome> {
  const now = deps.clock();
  let importers: MailImporterRow[];
  if (params.importerId !== undefined) {
    const row = await deps.repos.mailImporters.get(params.importerId);
    if (!row) throw new RunFailure(`mail importer ${params.importerId} no longer exists`);
    importers = [row];
  } else {
    // Fires poll the importers whose interval has passed; "Run now" on the system job polls them all.
    const byHand = ctx.run.trigger === 'manual' || ctx.run.trigger === 'api';
    importers = (await deps.repos.mailImporters.enabledOfKind(['imap', 'graph'])).filter(
      (r) => byHand || importerDueAt(r) <= now,
    );
  }
  if (!importers.length) {
    ctx.log('info', 'no mail importer is due');
    return { status: 'success', facts: { importers: 0 } };
  }
  const batch = Math.min(Math.max(params.batchSize ?? DEFAULT_BATCH_SIZE, 1), MAX_BATCH_SIZE);
  const cap = params.importerId !== undefined ? batch : PER_RUN_CAP;
  const total: Counts = { fetched: 0, inbox: 0, linked: 0, duplicate: 0, rejected: 0 };
  const failed: string[] = [];
  for (const row of importers) {
    if (ctx.signal.aborted) break;
    const label = `importer '${row.name}' (${row.kind})`;
    const startedAt = deps.clock();
    const counts: Counts = { fetched: 0, inbox: 0, linked: 0, duplicate: 0, rejected: 0 };
    let error: string | null = null;
    try {
      await importFrom(ctx, deps, row, { batch, cap }, counts);
    } catch (err) {
      error = (err as Error).message || String(err);
      if (ctx.signal.aborted) error = `stopped: ${error}`;
    }
    ctx.log(
      error ? 'error' : counts.rejected ? 'warn' : 'info',
      `${label}: fetched ${counts.fetched}, imported to Inbox ${counts.inbox}, linked to jobs ${counts.linked}, duplicates ${counts.duplicate}, not imported ${counts.rejected}${error ? ` — failed: ${error}` : ''}`,
    );
    for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += counts[k];
    if (error) failed.push(`${label}: ${error}`);
    await deps.repos.mailImporters.recordResult(
      row.id,
      startedAt,
      error ??
        (counts.rejected ? `${counts.rejected} message(s) could not be imported; they stay in the mailbox` : null),
    );
  }
  const facts = { importers: importers.length, ...total };
  if (failed.length && failed.length === importers.length)
    throw new RunFailure(
      failed.length === 1 ? failed[0]! : `all ${failed.length} mail importers failed: ${failed.join('; ')}`,
    );
  if (failed.length)
    return { status: 'warning', message: `${failed.length} of ${importers.length} mail importers failed`, facts };
  if (total.rejected)
    return {
      status: 'warning',
      message: `${total.rejected} message(s) could not be imported and stay in the mailbox`,
      facts,
    };
  return { status: 'success', facts };
}

/** Fetches in batches until the mailbox is empty, the cap is reached or a batch had failures. */
async function importFrom(
  ctx: RunContext,
  deps: EngineDeps,
  row: MailImporterRow,
  limits: { batch: number; cap: number },
  counts: Counts,
): Promise<void> {
  const { config, secrets } = deps.mailImporters.resolved(row);
  const adapter = await loadMailSourceAdapter(row.kind);
  const source = await adapter.open(config, secrets, { maxMessageBytes: deps.mail.maxBytes, signal: ctx.signal });
  const importSource = `${row.kind}:${row.id}`;
  try {
    while (counts.fetched < limits.cap && !ctx.signal.aborted) {
      const want = Math.min(limits.batch, limits.cap - counts.fetched);
      const mails = await source.fetch(want);
      if (!mails.length) break;
      counts.fetched += mails.length;
      const processed: FetchedMail['ref'][] = [];
      let rejected = 0;
      for (const m of mails) {
        const res =
          m.tooLarge !== undefined
            ? await deps.mail.ingestTooLarge({ importSource, size: m.tooLarge, receivedAt: m.receivedAt ?? null })
            : await deps.mail.ingest(m.raw, { importSource, receivedAt: m.receivedAt ?? null });
        if (res.outcome === 'rejected') {
          rejected++;
          ctx.log(
            'warn',
            `message ${String(m.ref)}: not imported (${res.error ?? 'unknown error'}); left in the mailbox`,
          );
          continue;
        }
        counts[res.outcome]++;
        processed.push(m.ref);
      }
      counts.rejected += rejected;
      // A duplicate was stored before: it leaves the mailbox like a new one.
      if (processed.length) await source.markProcessed(processed);
      // What failed would come back first in the next fetch: stop here, the next poll retries.
      if (rejected) break;
    }
  } finally {
    await source.close().catch(() => undefined);
  }
}
