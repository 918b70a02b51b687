/**
 * Mail ingest benchmark: realistic report e-mails of several products through
 * MailService.ingest (decode, parse, dedupe, match to approved jobs, store, record runs) on the
 * embedded SQLite, in one process, compared in the same run with what decoding and parsing
 * alone achieve on the same messages.
 *
 *   npx tsx bench/mail.bench.ts [--messages 5000] [--jobs 300] [--concurrency 4] [--no-doc]
 *
 * Results go to stdout and to the "Mail" section of docs/benchmarks.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeMail } from '../src/adapters/mail-parsers/decode.js';
import { parseRaw } from '../src/adapters/mail-parsers/registry.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createRepositories } from '../src/db/repositories/repositories.js';
import { MailService, normaliseJobName, type IngestResult } from '../src/services/mail.service.js';
import { RunEvents } from '../src/services/run-events.js';
import { plainMail, proxmoxMail, veeamMail, type Status } from '../test/helpers/report-mails.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const TARGET = 500;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const MESSAGES = arg('messages', 5000);
const JOBS = arg('jobs', 300);
const CONCURRENCY = arg('concurrency', 4);
const WRITE_DOC = !process.argv.includes('--no-doc');

/** Deterministic pseudo-random numbers, so every run ingests the same mix. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

interface Spec {
  product: 'veeam' | 'veeam-copy' | 'proxmox' | 'plain';
  key: number;
}

/** The mail a product sends for job `key` on day `day`: 80 % of them belong to approved jobs. */
function build(spec: Spec, day: number, random: () => number): Buffer {
  const status: Status = random() < 0.85 ? 'success' : random() < 0.6 ? 'warning' : 'failed';
  const start = new Date(Date.UTC(2024, 0, 1) + day * 3_600_000 + Math.floor(random() * 3_600_000));
  const sender = `vbr${spec.key % 20}@customer${spec.key % 20}.example`;
  switch (spec.product) {
    case 'veeam':
    case 'veeam-copy': {
      const objects = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => ({
        name: `vm-${spec.key}-${i}`,
        status: i === 0 ? status : ('success' as Status),
        ...(i === 0 && status !== 'success' ? { message: 'Error: Failed to create VM snapshot. Timed out.' } : {}),
      }));
      return veeamMail({
        jobName: `Job ${spec.key}`,
        kind: spec.product === 'veeam' ? 'Backup' : 'Backup Copy',
        status,
        sender,
        start,
        objects,
      });
    }
    case 'proxmox':
      return proxmoxMail({
        host: `pve${spec.key}.example.com`,
        status: status === 'failed' ? 'failed' : 'success',
        start,
      });
    default:
      return plainMail(`Question ${spec.key}/${day}`);
  }
}

function rate(n: number, ms: number): number {
  return (n * 1000) / ms;
}

/** Wall-clock and CPU time (user + system of this process) of one stage. */
async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, value };
}

async function main(): Promise<void> {
  const random = rng(42);
  // ── the messages (built before timing)
  const specs: Spec[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    const r = random();
    const product = r < 0.55 ? 'veeam' : r < 0.75 ? 'veeam-copy' : r < 0.95 ? 'proxmox' : 'plain';
    // Keys below JOBS have approved jobs; 1 in 6 reports comes from a job nobody approved yet.
    const key = random() < 0.83 ? Math.floor(random() * JOBS) : JOBS + Math.floor(random() * 200);
    specs.push({ product, key });
  }
  const mails = specs.map((s, i) => build(s, i, random));
  const bytes = mails.reduce((n, m) => n + m.length, 0);

  // ── baselines: decode only, decode + parse
  const decode = await timed(async () => {
    for (const m of mails) await decodeMail(m);
  });
  const parse = await timed(async () => {
    let parsed = 0;
    for (const m of mails) if ((await parseRaw(m)).report) parsed++;
    return parsed;
  });

  // ── the real thing, on a fresh embedded database with approved jobs
  const shipped = await ingestRun(mails);
  {
    const { ingest, again, outcomes, runs } = shipped;
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const ingestRate = rate(MESSAGES, ingest.ms);
    const ingestCpuRate = rate(MESSAGES, ingest.cpuMs);
    const row = (label: string, n: number, t: { ms: number; cpuMs: number }) =>
      `| ${label} | ${rate(n, t.ms).toFixed(0)} | ${rate(n, t.cpuMs).toFixed(0)} | ${(t.cpuMs / n).toFixed(2)} ms |`;
    const lines = [
      '## Mail',
      '',
      `Measured ${when} UTC on ${cpus().length} cores (${cpu}), Node ${process.version}, ${process.platform}; load average at start ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (shared machine).`,
      `Input: ${MESSAGES} generated report e-mails (test/helpers/report-mails.ts; ${(bytes / 1024 / 1024).toFixed(1)} MiB): Veeam B&R backup and backup-copy jobs (HTML, 1–8 VMs), Proxmox VE vzdump (text) and some non-reports; ${JOBS * 3} approved monitored jobs of 20 customers; 1 in 6 reports belongs to no approved job. One process, embedded SQLite (WAL) in a temp directory, ${CONCURRENCY} messages in flight. Command: \`npx tsx bench/mail.bench.ts --messages ${MESSAGES} --jobs ${JOBS} --concurrency ${CONCURRENCY}\`.`,
      '',
      '| stage | messages/s (wall clock) | messages per CPU-second | CPU per message |',
      '| --- | ---: | ---: | ---: |',
      row('decode only (mailparser + header checks), baseline', MESSAGES, decode),
      row('decode + parse (every parser tried in order)', MESSAGES, parse),
      row('**ingest**: decode + parse + dedupe + match + store + record run', MESSAGES, ingest),
      row('re-import of 1000 stored messages (duplicates)', 1000, again),
      '',
      `Outcomes: ${outcomes.linked} linked (runs recorded: ${Number(runs.n)}), ${outcomes.inbox} to the Inbox, ${outcomes.duplicate} duplicates, ${outcomes.rejected} rejected; ${parse.value} of ${MESSAGES} recognised by a parser.`,
      '',
      '| target | measured | result |',
      '| --- | ---: | :---: |',
      `| ingest ≥ ${TARGET} messages/s on one core (wall clock) | ${ingestRate.toFixed(0)} | ${ingestRate >= TARGET ? 'PASS' : 'FAIL'} |`,
      `| ingest ≥ ${TARGET} messages per CPU-second (what one idle core does) | ${ingestCpuRate.toFixed(0)} | ${ingestCpuRate >= TARGET ? 'PASS' : 'FAIL'} |`,
      '',
      `How to read it: the wall-clock figures depend on what else the shared machine runs (compare the load average); CPU per message does not, and is what one otherwise idle core sustains. Decoding (mailparser) and parsing are about a third of the ingest cost; the rest is one transaction per message (the raw message insert, one indexed lookup of matching jobs — \`jobs_match\` on the normalised job name, so no in-memory matcher cache that other servers could make stale — the run insert and the link)) and the override check for new runs. SQLite statements are prepared once and reused by SQL text (\`cacheStatements\` in \`src/db/database.ts\`; before it, the same ingest cost 1.64 ms per message instead of about 1.3).`,
      '',
    ];
    const section = lines.join('\n');
    process.stdout.write(`${section}\n`);
    if (WRITE_DOC) {
      const doc = readFileSync(DOC, 'utf8');
      const start = doc.indexOf('## Mail\n');
      let out: string;
      if (start < 0) out = `${doc.trimEnd()}\n\n${section}`;
      else {
        const end = doc.indexOf('\n## ', start + 8);
        out = `${doc.slice(0, start)}${section}${end < 0 ? '' : `\n${doc.slice(end + 1)}`}`;
      }
      writeFileSync(DOC, out.endsWith('\n') ? out : `${out}\n`);
    }
  }
}

/** Approved jobs in a fresh database, then every message ingested, then 1000 again (duplicates). */
async function ingestRun(mails: Buffer[]) {
  const dir = mkdtempSync(join(tmpdir(), 'kw-mail-bench-'));
  const db = openDatabase({ dataDir: dir });
  try {
    await migrateToLatest(db);
    const repos = createRepositories(db);
    const now = Date.now();
    const customers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => repos.customers.insert({ name: `Customer ${i}`, slug: `c${i}`, now })),
    );
    await repos.transaction(async (tx) => {
      for (let key = 0; key < JOBS; key++) {
        const base = {
          customer_id: customers[key % 20]!.id,
          kind: 'monitored',
          description: '',
          enabled: 1,
          archived_at: null,
          deleted_at: null,
          schedule: '{"type":"manual"}',
          next_fire_at: null,
          config: '{"feed":"email"}',
          created_at: now,
          updated_at: now,
          ping_token: null,
        };
        const sender = `vbr${key % 20}@customer${key % 20}.example`;
        for (const [type, suffix] of [
          ['Backup Job', ''],
          ['Backup Copy Job', ' (copy)'],
        ] as const)
          await tx.jobs.insert({
            ...base,
            name: `Job ${key}${suffix}`,
            software: 'Veeam Backup & Replication',
            backup_type: type,
            match_sender: sender,
            match_job_name: normaliseJobName(`Job ${key}`),
          });
        await tx.jobs.insert({
          ...base,
          name: `pve${key}.example.com`,
          software: 'Proxmox VE',
          backup_type: 'vzdump backup',
          match_sender: `root@pve${key}.example.com`,
          match_job_name: normaliseJobName(`pve${key}.example.com`),
        });
      }
    });
    const mail = new MailService(
      { repos, box: undefined as never, clock: () => Date.now() },
      { events: new RunEvents() },
    );
    const outcomes: Record<IngestResult['outcome'], number> = { linked: 0, inbox: 0, duplicate: 0, rejected: 0 };
    let next = 0;
    const ingest = await timed(async () => {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < mails.length) {
            const m = mails[next++]!;
            const r = await mail.ingest(m, { importSource: 'upload' });
            outcomes[r.outcome]++;
            if (r.outcome === 'rejected') throw new Error(`rejected: ${r.error}`);
          }
        }),
      );
    });
    // The first 1000 again: the duplicate path (mailbox re-deliveries) must be cheap too.
    const again = await timed(async () => {
      let dups = 0;
      for (const m of mails.slice(0, 1000))
        if ((await mail.ingest(m, { importSource: 'upload' })).outcome === 'duplicate') dups++;
      return dups;
    });
    const runs = await db.kysely
      .selectFrom('runs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return { ingest, again, outcomes, runs };
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
