import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailService } from '../../src/services/mail.service.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { plainMail, proxmoxMail, veeamMail } from '../helpers/report-mails.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * MailService.ingest against the real database (both dialects): dedupe, malformed input, size
 * limits, and matching reports to monitored jobs (oldest wins, archived jobs still swallow their
 * reports, the run carries what the report said).
 */
describe.each(DIALECTS)('mail ingest (%s)', (dialect) => {
  let t: TestApp;
  let mail: MailService;
  let customerA: number;
  let customerB: number;

  const ok = async (method: string, url: string, body?: unknown): Promise<Json> => {
    const res = await t.call(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const row = async (id: number) =>
    t.app.db.kysely.selectFrom('mail_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await startTestApp(dialect);
    mail = t.app.services.mail;
    customerA = (await ok('POST', '/api/customers', { name: 'Acme' })).id;
    customerB = (await ok('POST', '/api/customers', { name: 'Bolt' })).id;
  });
  afterAll(async () => t?.close());

  it('stores an unknown message in the Inbox with the reason, and a report parsed', async () => {
    const r = await mail.ingest(plainMail('Lunch?'), { importSource: 'upload' });
    expect(r).toMatchObject({ outcome: 'inbox', jobId: null, runId: null });
    expect(r.error).toMatch(/no parser/);
    const m = await row(r.mailId!);
    expect(m.parser).toBeNull();
    expect(m.parse_error).toMatch(/no parser/);
    expect(m.subject).toBe('Lunch?');
    expect(m.from_address).toBe('alice@example.com');
    expect(m.import_source).toBe('upload');
    expect(Buffer.from(m.raw).toString()).toContain('Shall we try the new place?');

    const v = await mail.ingest(veeamMail({ jobName: 'Nightly Ingest', status: 'warning' }), { importSource: 'smtp' });
    expect(v.outcome).toBe('inbox');
    expect(v.error).toBeNull();
    const p = await row(v.mailId!);
    expect(p).toMatchObject({
      parser: 'veeam-br',
      software: 'Veeam Backup & Replication',
      backup_type: 'Backup Job',
      job_name: 'Nightly Ingest',
      status: 'warning',
      parse_error: null,
      from_address: 'veeam@contoso.com',
    });
    expect(JSON.parse(p.objects)).toHaveLength(3);
    expect(p.started_at).toBe(Date.UTC(2024, 0, 15, 22, 0, 12));
    expect(p.body_html).toContain('Nightly Ingest');
  });

  it('recognises the same bytes as a duplicate, also when they arrive concurrently', async () => {
    const raw = veeamMail({ jobName: 'Dup Job' });
    const first = await mail.ingest(raw, { importSource: 'upload' });
    const again = await mail.ingest(Buffer.from(raw), { importSource: 'imap:1' });
    expect(again).toMatchObject({ outcome: 'duplicate', mailId: first.mailId });

    const burst = veeamMail({ jobName: 'Burst Job' });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => mail.ingest(Buffer.from(burst), { importSource: 'upload' })),
    );
    expect(results.filter((r) => r.outcome === 'inbox')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(5);
    expect(new Set(results.map((r) => r.mailId)).size).toBe(1);
    const stored = await t.app.db.kysely
      .selectFrom('mail_messages')
      .select('id')
      .where('job_name', '=', 'Burst Job')
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('stores malformed input unparsed with the reason; rejects only what cannot be stored', async () => {
    const junk = await mail.ingest(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3, 0x89, 0x50]), {
      importSource: 'upload',
    });
    expect(junk.outcome).toBe('inbox');
    expect(junk.error).toMatch(/not a readable e-mail/);
    expect((await row(junk.mailId!)).parse_error).toMatch(/not a readable e-mail/);

    expect(await mail.ingest(Buffer.alloc(0), { importSource: 'upload' })).toMatchObject({
      outcome: 'rejected',
      mailId: null,
      error: 'the message is empty',
    });

    // Ingest needs no secrets: the box is never touched.
    const deps = { repos: t.app.repos, box: undefined as never, clock: () => Date.now() };
    const small = new MailService(deps, { events: t.app.services.events, maxBytes: 1000 });
    const big = veeamMail({ jobName: 'Too Big' });
    expect(big.length).toBeGreaterThan(1000);
    const upload = await small.ingest(big, { importSource: 'upload' });
    expect(upload.outcome).toBe('rejected');
    expect(upload.error).toMatch(/over the limit of 1000 bytes/);
    // From a mailbox the message would come back every poll: it is kept as a placeholder instead.
    const fromMailbox = await small.ingest(big, { importSource: 'imap:7', receivedAt: 1_700_000_000_000 });
    expect(fromMailbox.outcome).toBe('inbox');
    const placeholder = await row(fromMailbox.mailId!);
    expect(placeholder.parse_error).toMatch(/over the limit/);
    expect(placeholder.size).toBe(big.length);
    expect(placeholder.received_at).toBe(1_700_000_000_000);

    const reported = await mail.ingestTooLarge({
      importSource: 'graph:2',
      size: 90_000_000,
      subject: 'Huge report',
      from: 'NAS@Example.com',
    });
    expect(reported.outcome).toBe('inbox');
    expect(await row(reported.mailId!)).toMatchObject({
      subject: 'Huge report',
      from_address: 'nas@example.com',
      size: 90_000_000,
      parser: null,
    });
    expect(
      await mail.ingestTooLarge({ importSource: 'graph:2', size: 90_000_000, subject: 'Huge report' }),
    ).toMatchObject({ outcome: 'duplicate', mailId: reported.mailId });
  });

  it('records a matching report as a run at once: oldest job wins, archived jobs keep swallowing', async () => {
    const doc = {
      format: 'keepwatch-monitored-jobs/1',
      jobs: [
        {
          customer: 'Acme',
          name: 'Files (old)',
          feed: 'email',
          software: 'Veeam Backup & Replication',
          type: 'Backup Job',
          sender: 'veeam@contoso.com',
          jobName: 'Files',
          subjectPattern: null,
          archived: false,
        },
        {
          customer: 'Bolt',
          name: 'Files (new)',
          feed: 'email',
          software: 'Veeam Backup & Replication',
          type: 'Backup Job',
          sender: 'VEEAM@contoso.com',
          jobName: 'files',
          subjectPattern: null,
          archived: false,
        },
      ],
    };
    expect(await ok('POST', '/api/monitored-jobs/import', doc)).toMatchObject({ created: 2, errors: [] });
    const jobs = (await ok('GET', '/api/jobs?kind=monitored&pageSize=500')).items as Json[];
    const oldJob = jobs.find((j) => j.name === 'Files (old)');
    const newJob = jobs.find((j) => j.name === 'Files (new)');
    expect(oldJob.id).toBeLessThan(newJob.id);

    const r = await mail.ingest(
      veeamMail({
        jobName: '  FILES ',
        status: 'failed',
        objects: [
          { name: 'fs01', status: 'failed', message: 'Error: There is not enough space on the disk.' },
          { name: 'fs02', status: 'success' },
        ],
      }),
      { importSource: 'upload' },
    );
    expect(r).toMatchObject({ outcome: 'linked', jobId: oldJob.id, error: null });
    const run = await ok('GET', `/api/runs/${r.runId}`);
    expect(run).toMatchObject({
      jobId: oldJob.id,
      customerId: customerA,
      operation: 'report',
      trigger: 'email',
      status: 'failed',
      mailId: r.mailId,
      startedAt: '2024-01-15T22:00:12.000Z',
      error: 'fs01: Error: There is not enough space on the disk.',
    });
    expect(run.finishedAt >= run.startedAt).toBe(true);
    expect(run.objects).toEqual([
      { name: 'fs01', type: 'VM', status: 'failed', message: 'Error: There is not enough space on the disk.' },
      { name: 'fs02', type: 'VM', status: 'success', message: null },
    ]);
    expect(await row(r.mailId!)).toMatchObject({ job_id: oldJob.id, run_id: r.runId, customer_id: customerA });

    // A report of another type does not match a job that names its type.
    const copy = await mail.ingest(veeamMail({ jobName: 'Files', kind: 'Backup Copy' }), { importSource: 'upload' });
    expect(copy.outcome).toBe('inbox');

    // Archived: hidden from the jobs list, but its reports still become its runs.
    await ok('POST', `/api/jobs/${oldJob.id}/archive`);
    const later = await mail.ingest(veeamMail({ jobName: 'Files', start: new Date(Date.UTC(2024, 0, 16, 22)) }), {
      importSource: 'upload',
    });
    expect(later).toMatchObject({ outcome: 'linked', jobId: oldJob.id });
    const listed = ((await ok('GET', '/api/jobs?kind=monitored&pageSize=500')).items as Json[]).map((j) => j.id);
    expect(listed).not.toContain(oldJob.id);
    const inbox = ((await ok('GET', '/api/inbox?pageSize=500')).items as Json[]).map((m) => m.id);
    expect(inbox).not.toContain(later.mailId);
    expect(inbox).toContain(copy.mailId);
    expect(newJob.customer.id).toBe(customerB);
  });

  it('matches other products too (Proxmox: the host is the job name, no sender confusion)', async () => {
    const first = await mail.ingest(proxmoxMail({ host: 'pve9.example.com' }), { importSource: 'upload' });
    expect(first.outcome).toBe('inbox');
    const approved = await ok('POST', `/api/inbox/${first.mailId}/approve`, { customerId: customerB });
    expect(approved.job).toMatchObject({ kind: 'monitored', software: 'Proxmox VE', name: 'pve9.example.com' });
    const next = await mail.ingest(proxmoxMail({ host: 'pve9.example.com', status: 'failed' }), {
      importSource: 'upload',
    });
    expect(next).toMatchObject({ outcome: 'linked', jobId: approved.job.id });
    // Same job name from another sender is somebody else's report.
    const stranger = await mail.ingest(proxmoxMail({ host: 'pve9.example.com', sender: 'root@elsewhere.example' }), {
      importSource: 'upload',
    });
    expect(stranger.outcome).toBe('inbox');
  });
});
