import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { veeamMail } from '../helpers/report-mails.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const b64 = (raw: Buffer) => raw.toString('base64');

/**
 * Monitored e-mail jobs (both dialects): the Job DTO fields, deleting a job (history gone,
 * messages back in the Inbox — how a job moves to another customer), and the export/import
 * round trip (all or nothing, idempotent).
 */
describe.each(DIALECTS)('monitored jobs (%s)', (dialect) => {
  let t: TestApp;
  let acme: number;
  let bolt: number;

  const ok = async (method: string, url: string, body?: unknown, token?: string): Promise<Json> => {
    const res = await t.call(method, url, body, token);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const importOne = async (raw: Buffer) =>
    (await ok('POST', '/api/mail/import', { files: [{ name: 'r.eml', content: b64(raw) }] })).results[0];
  const inboxIds = async () => ((await ok('GET', '/api/inbox?pageSize=500')).items as Json[]).map((m) => m.id);

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acme = (await ok('POST', '/api/customers', { name: 'Acme' })).id;
    bolt = (await ok('POST', '/api/customers', { name: 'Bolt' })).id;
  });
  afterAll(async () => t?.close());

  it('shows software, type and what the job watches; other kinds have no monitor', async () => {
    const m = await importOne(veeamMail({ jobName: 'DTO Job', kind: 'Backup Copy' }));
    const { job } = await ok('POST', `/api/inbox/${m.mailId}/approve`, { customerId: acme });
    const got = await ok('GET', `/api/jobs/${job.id}`);
    expect(got).toMatchObject({
      kind: 'monitored',
      software: 'Veeam Backup & Replication',
      backupType: 'Backup Copy Job',
      monitor: { feed: 'email', sender: 'veeam@contoso.com', jobName: 'DTO Job', pingUrl: null },
    });
    expect(typeof got.monitor.subjectPattern).toBe('string');
    const listed = (await ok('GET', '/api/jobs?kind=monitored')).items.find((j: Json) => j.id === job.id);
    expect(listed.monitor.jobName).toBe('DTO Job');
    const system = (await ok('GET', '/api/jobs?kind=system')).items[0];
    expect(system).toMatchObject({ monitor: null, software: null, backupType: null });
  });

  it('delete removes runs, remarks and ticket scopes and returns the messages to the Inbox', async () => {
    const first = await importOne(veeamMail({ jobName: 'Mover', start: new Date(Date.UTC(2024, 2, 1)) }));
    const { job, run } = await ok('POST', `/api/inbox/${first.mailId}/approve`, { customerId: acme });
    const second = await importOne(veeamMail({ jobName: 'Mover', start: new Date(Date.UTC(2024, 2, 2)) }));
    expect(second).toMatchObject({ outcome: 'linked', jobId: job.id });
    const now = Date.now();
    await t.app.repos.runs.appendLogs([{ run_id: run.id, at: now, level: 'info', message: 'note' }]);
    await t.app.db.kysely
      .insertInto('remarks')
      .values({
        customer_id: acme,
        job_id: job.id,
        run_id: run.id,
        text: 'looked at it',
        start_date: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const ticket = await t.app.db.kysely
      .insertInto('tickets')
      .values({ code: 'T-1', description: '', start_date: now, run_id: run.id, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.app.db.kysely
      .insertInto('ticket_scopes')
      .values([
        { ticket_id: ticket.id, kind: 'job', customer_id: acme, job_id: job.id },
        { ticket_id: ticket.id, kind: 'customer', customer_id: acme, job_id: null },
      ])
      .execute();

    const res = await ok('DELETE', `/api/jobs/${job.id}`);
    expect(res.deleted).toBe(true);
    expect([...res.messagesReturned].sort()).toEqual([first.mailId, second.mailId].sort());
    const k = t.app.db.kysely;
    expect(await k.selectFrom('runs').select('id').where('job_id', '=', job.id).execute()).toEqual([]);
    expect(await k.selectFrom('run_logs').select('id').where('run_id', '=', run.id).execute()).toEqual([]);
    expect(await k.selectFrom('remarks').select('id').where('job_id', '=', job.id).execute()).toEqual([]);
    expect(await k.selectFrom('ticket_scopes').select('kind').where('ticket_id', '=', ticket.id).execute()).toEqual([
      { kind: 'customer' },
    ]);
    expect(
      (await k.selectFrom('tickets').select('run_id').where('id', '=', ticket.id).executeTakeFirst())?.run_id,
    ).toBe(null);
    expect(await inboxIds()).toEqual(expect.arrayContaining([first.mailId, second.mailId]));
    expect((await t.call('GET', `/api/jobs/${job.id}`)).status).toBe(404);

    // The job moves to Bolt: approving one returned message re-creates it there with both runs.
    const moved = await ok('POST', `/api/inbox/${second.mailId}/approve`, { customerId: bolt });
    expect(moved.job).toMatchObject({ name: 'Mover', customer: { id: bolt } });
    expect(moved.linked).toBe(2);
    const detail = await ok('GET', `/api/mail/${first.mailId}`);
    expect(detail).toMatchObject({ jobId: moved.job.id, customerId: bolt });
    // New reports follow the new job.
    expect(await importOne(veeamMail({ jobName: 'Mover' }))).toMatchObject({ outcome: 'linked', jobId: moved.job.id });
  });

  it('exports and re-imports: round trip, idempotent, all or nothing', async () => {
    const m = await importOne(veeamMail({ jobName: 'Exported', sender: 'vbr@acme.example' }));
    const { job } = await ok('POST', `/api/inbox/${m.mailId}/approve`, { customerId: acme });
    await ok('POST', `/api/jobs/${job.id}/archive`);

    const doc = await ok('GET', `/api/monitored-jobs/export?customerId=${acme}`);
    expect(doc.format).toBe('keepwatch-monitored-jobs/1');
    const entry = doc.jobs.find((j: Json) => j.name === 'Exported');
    expect(entry).toEqual({
      customer: 'Acme',
      name: 'Exported',
      feed: 'email',
      software: 'Veeam Backup & Replication',
      type: 'Backup Job',
      sender: 'vbr@acme.example',
      jobName: 'Exported',
      subjectPattern: '[*] Exported (* machines)',
      archived: true,
    });
    expect(doc.jobs.every((j: Json) => j.customer === 'Acme')).toBe(true);

    // The same document again: nothing new.
    const again = await ok('POST', '/api/monitored-jobs/import', doc);
    expect(again).toEqual({ created: 0, unchanged: doc.jobs.length, errors: [] });

    // Into another customer: created; a second time unchanged.
    const toBolt = { ...doc, jobs: doc.jobs.map((j: Json) => ({ ...j, customer: 'Bolt', name: `${j.name} B` })) };
    expect(await ok('POST', '/api/monitored-jobs/import', toBolt)).toEqual({
      created: doc.jobs.length,
      unchanged: 0,
      errors: [],
    });
    expect(await ok('POST', '/api/monitored-jobs/import', toBolt)).toMatchObject({ created: 0 });
    const boltDoc = await ok('GET', `/api/monitored-jobs/export?customerId=${bolt}`);
    const copy = boltDoc.jobs.find((j: Json) => j.name === 'Exported B');
    expect(copy).toEqual({ ...entry, customer: 'Bolt', name: 'Exported B' });

    // One bad entry: nothing is created.
    const before = (await ok('GET', '/api/jobs?kind=monitored&archived=false&pageSize=500')).total;
    const bad = await ok('POST', '/api/monitored-jobs/import', {
      format: 'keepwatch-monitored-jobs/1',
      jobs: [
        { ...entry, customer: 'Bolt', name: 'Fresh one' },
        { ...entry, customer: 'Nobody Inc', name: 'Orphan' },
        { ...entry, customer: 'Acme', name: 'Exported', sender: 'changed@acme.example' },
      ],
    });
    expect(bad.created).toBe(0);
    expect(bad.errors).toEqual([
      { index: 1, message: "customer 'Nobody Inc' not found" },
      { index: 2, message: expect.stringMatching(/already exists .* other settings/) },
    ]);
    expect((await ok('GET', '/api/jobs?kind=monitored&archived=false&pageSize=500')).total).toBe(before);
    expect((await t.call('POST', '/api/monitored-jobs/import', { format: 'other', jobs: [] })).status).toBe(400);

    const viewer = await t.userToken('vic', 'viewer', { allCustomers: true });
    expect((await t.call('POST', '/api/monitored-jobs/import', doc, viewer)).status).toBe(403);
    expect((await t.call('GET', '/api/monitored-jobs/export', undefined, viewer)).status).toBe(200);
    const scoped = await t.userToken('sue', 'operator', { customerIds: [bolt] });
    const seen = await ok('GET', '/api/monitored-jobs/export', undefined, scoped);
    expect(seen.jobs.length).toBeGreaterThan(0);
    expect(seen.jobs.every((j: Json) => j.customer === 'Bolt')).toBe(true);
    expect((await t.call('GET', `/api/monitored-jobs/export?customerId=${acme}`, undefined, scoped)).status).toBe(404);
  });
});
