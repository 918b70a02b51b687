import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { plainMail, veeamMail } from '../helpers/report-mails.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const b64 = (raw: Buffer) => raw.toString('base64');

/**
 * The Inbox over HTTP (both dialects): import, list and search, approval (job + first run +
 * other matching messages), later reports bypassing the Inbox, re-parse, soft delete and
 * restore, sanitised bodies, the raw download, and who may do what.
 */
describe.each(DIALECTS)('Inbox API (%s)', (dialect) => {
  let t: TestApp;
  let acme: number;
  let bolt: number;
  let viewer: string;
  let operator: string;
  let scoped: string;

  const ok = async (method: string, url: string, body?: unknown, token?: string): Promise<Json> => {
    const res = await t.call(method, url, body, token);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const importOne = async (raw: Buffer, name = 'report.eml', token?: string) =>
    (await ok('POST', '/api/mail/import', { files: [{ name, content: b64(raw) }] }, token)).results[0];
  const inboxIds = async (q = '') =>
    ((await ok('GET', `/api/inbox?pageSize=500${q}`)).items as Json[]).map((m) => m.id as number);

  beforeAll(async () => {
    t = await startTestApp(dialect);
    acme = (await ok('POST', '/api/customers', { name: 'Acme Industries' })).id;
    bolt = (await ok('POST', '/api/customers', { name: 'Bolt Logistics' })).id;
    viewer = await t.userToken('vera', 'viewer', { allCustomers: true });
    operator = await t.userToken('otto', 'operator', { allCustomers: true });
    scoped = await t.userToken('sam', 'operator', { customerIds: [acme] });
  });
  afterAll(async () => t?.close());

  it('imports files with one result each; bad content is rejected, not fatal', async () => {
    const a = veeamMail({ jobName: 'Import A' });
    const res = await ok('POST', '/api/mail/import', {
      files: [
        { name: 'a.eml', content: b64(a) },
        { name: 'empty.eml', content: '' },
        { name: 'bad.eml', content: '***not base64***' },
        { name: 'note.eml', content: b64(plainMail('Just a note')) },
      ],
    });
    expect(res.results.map((r: Json) => [r.file, r.outcome])).toEqual([
      ['a.eml', 'inbox'],
      ['empty.eml', 'rejected'],
      ['bad.eml', 'rejected'],
      ['note.eml', 'inbox'],
    ]);
    expect(res.results[2].error).toMatch(/base64/);
    expect(res.results[3].error).toMatch(/no parser/);
    expect(await importOne(a, 'again.eml')).toMatchObject({
      file: 'again.eml',
      outcome: 'duplicate',
      mailId: res.results[0].mailId,
    });

    const tooMany = await t.call('POST', '/api/mail/import', {
      files: Array.from({ length: 51 }, (_, i) => ({ name: `${i}.eml`, content: '' })),
    });
    expect(tooMany.status).toBe(400);
  });

  it('parses without storing, with the CLI field names', async () => {
    const before = (await ok('GET', '/api/inbox?pageSize=1')).total;
    const res = await ok('POST', '/api/mail/parse', {
      files: [
        { name: 'v.eml', content: b64(veeamMail({ jobName: 'Parse Only', status: 'warning' })) },
        { name: 'x.eml', content: b64(Buffer.from('\x00\x01binary')) },
      ],
    });
    expect(Object.keys(res.results[0]).sort()).toEqual(
      ['file', 'parser', 'software', 'type', 'jobName', 'status', 'objects', 'startedAt', 'endedAt'].sort(),
    );
    expect(res.results[0]).toMatchObject({
      file: 'v.eml',
      parser: 'veeam-br',
      jobName: 'Parse Only',
      status: 'warning',
      startedAt: '2024-01-15T22:00:12.000Z',
    });
    expect(res.results[1]).toMatchObject({ file: 'x.eml', parser: null, status: null, objects: null, jobName: null });
    expect(res.results[1].error).toMatch(/not a readable e-mail/);
    expect((await ok('GET', '/api/inbox?pageSize=1')).total).toBe(before);
  });

  it('lists newest first, searches subject, sender and job name, pages by 50', async () => {
    for (let i = 0; i < 3; i++)
      await importOne(veeamMail({ jobName: `Paging ${i}`, start: new Date(Date.UTC(2023, 5, 1 + i)) }));
    const all = await ok('GET', '/api/inbox');
    expect(all.pageSize).toBe(50);
    const times = (all.items as Json[]).map((m) => m.receivedAt as string);
    expect([...times].sort().reverse()).toEqual(times);
    const found = await ok('GET', '/api/inbox?q=paging%201');
    expect(found.items.map((m: Json) => m.jobName)).toEqual(['Paging 1']);
    expect(found.items[0]).toMatchObject({
      parsed: true,
      parser: 'veeam-br',
      software: 'Veeam Backup & Replication',
      type: 'Backup Job',
      status: 'success',
      deleted: false,
      archivedJobId: null,
      from: 'veeam@contoso.com',
    });
    expect((await ok('GET', '/api/inbox?q=ALICE@example')).items.length).toBeGreaterThan(0);
    expect((await ok('GET', '/api/inbox?q=%25')).items).toEqual([]);
    const page2 = await ok('GET', '/api/inbox?pageSize=2&page=2');
    expect(page2.items).toHaveLength(2);
    expect(page2.items[0].id).toBe(all.items[2].id);
  });

  it('approves: job for the customer, first run, other matching messages linked; later reports skip the Inbox', async () => {
    const older = await importOne(veeamMail({ jobName: 'Exchange', start: new Date(Date.UTC(2024, 1, 1, 22)) }));
    const mine = await importOne(
      veeamMail({
        jobName: 'Exchange',
        status: 'warning',
        start: new Date(Date.UTC(2024, 1, 2, 22)),
        objects: [{ name: 'mbx01', status: 'warning', message: 'Changed block tracking is disabled' }],
      }),
    );
    const other = await importOne(veeamMail({ jobName: 'Exchange', sender: 'veeam@other.example' }));
    expect(await inboxIds()).toEqual(expect.arrayContaining([older.mailId, mine.mailId, other.mailId]));

    // Viewers read the Inbox but do not act on it.
    expect((await t.call('GET', '/api/inbox', undefined, viewer)).status).toBe(200);
    expect((await t.call('POST', `/api/inbox/${mine.mailId}/approve`, { customerId: acme }, viewer)).status).toBe(403);
    expect((await t.call('POST', `/api/inbox/${mine.mailId}/approve`, { customerId: 999999 })).status).toBe(404);

    const res = await ok('POST', `/api/inbox/${mine.mailId}/approve`, { customerId: acme }, operator);
    expect(res.linked).toBe(2);
    expect(res.job).toMatchObject({
      kind: 'monitored',
      name: 'Exchange',
      customer: { id: acme },
      software: 'Veeam Backup & Replication',
      backupType: 'Backup Job',
      schedule: { type: 'manual' },
      monitor: {
        feed: 'email',
        sender: 'veeam@contoso.com',
        jobName: 'Exchange',
        subjectPattern: '[*] Exchange (* machines) *',
      },
    });
    expect(res.run).toMatchObject({
      jobId: res.job.id,
      status: 'warning',
      mailId: mine.mailId,
      error: 'mbx01: Changed block tracking is disabled',
      operation: 'report',
    });
    const ids = await inboxIds();
    expect(ids).not.toContain(mine.mailId);
    expect(ids).not.toContain(older.mailId);
    expect(ids).toContain(other.mailId);
    const runs = await ok('GET', `/api/jobs/${res.job.id}/runs`);
    expect(runs.items.map((r: Json) => r.mailId).sort()).toEqual([older.mailId, mine.mailId].sort());

    // Approving again, or a linked message: 409.
    expect((await t.call('POST', `/api/inbox/${mine.mailId}/approve`, { customerId: acme })).status).toBe(409);

    const later = await importOne(veeamMail({ jobName: 'exchange', start: new Date(Date.UTC(2024, 1, 3, 22)) }));
    expect(later).toMatchObject({ outcome: 'linked', jobId: res.job.id });
    expect(await inboxIds()).not.toContain(later.mailId);
    const detail = await ok('GET', `/api/mail/${later.mailId}`);
    expect(detail).toMatchObject({ jobId: res.job.id, runId: later.runId, customerId: acme });

    // Same job name, another sender → another job, name made unique for the customer.
    const second = await ok('POST', `/api/inbox/${other.mailId}/approve`, { customerId: acme });
    expect(second.job.name).toBe('Exchange (2)');
    expect(second.linked).toBe(1);
  });

  it('refuses to approve unparsed or deleted messages', async () => {
    const note = await importOne(plainMail('Not a report'));
    const r = await t.call('POST', `/api/inbox/${note.mailId}/approve`, { customerId: acme });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toMatch(/not parsed/);
    const gone = await importOne(veeamMail({ jobName: 'Deleted first' }));
    await ok('DELETE', `/api/inbox/${gone.mailId}`);
    expect((await t.call('POST', `/api/inbox/${gone.mailId}/approve`, { customerId: acme })).status).toBe(409);
  });

  it('re-parse links messages that match a job created meanwhile', async () => {
    const waiting = await importOne(veeamMail({ jobName: 'Late Job', status: 'failed' }));
    await ok('POST', '/api/monitored-jobs/import', {
      format: 'keepwatch-monitored-jobs/1',
      jobs: [
        {
          customer: 'Bolt Logistics',
          name: 'Late Job',
          feed: 'email',
          software: 'Veeam Backup & Replication',
          type: 'Backup Job',
          sender: 'veeam@contoso.com',
          jobName: 'Late Job',
          subjectPattern: null,
          archived: false,
        },
      ],
    });
    expect(await inboxIds()).toContain(waiting.mailId);
    expect((await t.call('POST', '/api/inbox/reparse', undefined, viewer)).status).toBe(403);
    const res = await ok('POST', '/api/inbox/reparse');
    expect(res.linked).toBe(1);
    expect(res.reparsed).toBeGreaterThanOrEqual(1);
    expect(await inboxIds()).not.toContain(waiting.mailId);
    const detail = await ok('GET', `/api/mail/${waiting.mailId}`);
    expect(detail.customerId).toBe(bolt);
    expect((await ok('GET', `/api/runs/${detail.runId}`)).status).toBe('failed');
  });

  it('soft-deletes (admin/operator) and restores (admin)', async () => {
    const m = await importOne(veeamMail({ jobName: 'Trash me' }));
    expect((await t.call('DELETE', `/api/inbox/${m.mailId}`, undefined, viewer)).status).toBe(403);
    expect((await t.call('DELETE', `/api/inbox/${m.mailId}`, undefined, operator)).status).toBe(204);
    expect(await inboxIds()).not.toContain(m.mailId);
    expect((await t.call('GET', '/api/inbox?deleted=true', undefined, operator)).status).toBe(403);
    const deleted = await ok('GET', '/api/inbox?deleted=true&q=trash');
    expect(deleted.items.map((x: Json) => [x.id, x.deleted])).toEqual([[m.mailId, true]]);
    expect((await t.call('POST', `/api/inbox/${m.mailId}/restore`, undefined, operator)).status).toBe(403);
    expect(await ok('POST', `/api/inbox/${m.mailId}/restore`)).toMatchObject({ id: m.mailId, deleted: false });
    expect(await inboxIds()).toContain(m.mailId);
    const audit = await t.app.db.kysely
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('entity', '=', 'mail')
      .where('entity_id', '=', String(m.mailId))
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'delete', actor: 'otto' },
      { action: 'restore', actor: 'admin' },
    ]);
  });

  it('never returns active content in the body, and serves the raw message', async () => {
    const hostile = veeamMail({
      jobName: 'Hostile',
      extraHtml:
        '<script>alert(1)</script><img src="http://remote.example/track.gif" alt="tracker" onerror="alert(2)">' +
        '<a href="javascript:alert(3)" onclick="x()">click</a><div style="background:url(http://remote.example/bg)">bg</div>' +
        '<iframe src="http://remote.example/"></iframe>',
    });
    const m = await importOne(hostile);
    const detail = await ok('GET', `/api/mail/${m.mailId}`);
    const html: string = detail.bodyHtml;
    expect(html).toContain('Hostile');
    expect(html).toContain('<table');
    expect(html).toContain('[tracker]');
    for (const bad of ['<script', 'alert(', 'onerror', 'onclick', 'http://remote', 'javascript:', '<iframe', 'url('])
      expect(html).not.toContain(bad);
    expect(detail).toMatchObject({
      to: 'backup-reports@contoso.com',
      jobId: null,
      runId: null,
      customerId: null,
      startedAt: '2024-01-15T22:00:12.000Z',
    });
    expect(detail.objects).toHaveLength(3);
    expect(detail.bodyText).toContain('Hostile');

    const eml = await t.app.http.inject({
      method: 'GET',
      url: `/api/mail/${m.mailId}/eml`,
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(eml.statusCode).toBe(200);
    expect(eml.headers['content-type']).toBe('message/rfc822');
    expect(eml.headers['content-disposition']).toBe(`attachment; filename="${m.mailId}.eml"`);
    expect(eml.rawPayload.equals(hostile)).toBe(true);

    const note = await importOne(plainMail('Plain only'));
    expect((await ok('GET', `/api/mail/${note.mailId}`)).bodyHtml).toBeNull();
  });

  it('keeps the Inbox from customer-scoped users and other customers’ mail from them', async () => {
    const inboxMsg = await importOne(veeamMail({ jobName: 'Scope Test' }));
    expect((await t.call('GET', '/api/inbox', undefined, scoped)).status).toBe(403);
    expect((await t.call('GET', `/api/mail/${inboxMsg.mailId}`, undefined, scoped)).status).toBe(404);
    expect((await t.call('POST', '/api/mail/import', { files: [] }, scoped)).status).toBe(400);
    expect(
      (await t.call('POST', '/api/mail/import', { files: [{ name: 'x', content: b64(plainMail()) }] }, scoped)).status,
    ).toBe(403);

    // Linked to Bolt's job: invisible to an Acme user; linked to Acme's: visible.
    const bolts = await ok('POST', `/api/inbox/${inboxMsg.mailId}/approve`, { customerId: bolt });
    expect((await t.call('GET', `/api/mail/${inboxMsg.mailId}`, undefined, scoped)).status).toBe(404);
    expect((await t.call('GET', `/api/mail/${inboxMsg.mailId}/eml`, undefined, scoped)).status).toBe(404);
    const acmes = await importOne(veeamMail({ jobName: 'Scope Acme' }));
    await ok('POST', `/api/inbox/${acmes.mailId}/approve`, { customerId: acme });
    expect((await t.call('GET', `/api/mail/${acmes.mailId}`, undefined, scoped)).status).toBe(200);
    // Acting on messages: invisible ones are not found, visible ones are still not theirs to act on.
    const waiting = await importOne(veeamMail({ jobName: 'Scope Waiting' }));
    for (const id of [waiting.mailId, inboxMsg.mailId]) {
      expect((await t.call('POST', `/api/inbox/${id}/approve`, { customerId: acme }, scoped)).status).toBe(404);
      expect((await t.call('DELETE', `/api/inbox/${id}`, undefined, scoped)).status).toBe(404);
      expect((await t.call('POST', `/api/inbox/${id}/restore`, undefined, scoped)).status).toBe(404);
    }
    expect((await t.call('DELETE', `/api/inbox/${acmes.mailId}`, undefined, scoped)).status).toBe(403);
    expect((await t.call('POST', '/api/inbox/reparse', undefined, scoped)).status).toBe(403);
    expect(await inboxIds()).toContain(waiting.mailId);
    expect(bolts.job.customer.id).toBe(bolt);

    for (const url of ['/api/inbox', `/api/mail/${acmes.mailId}`, '/api/customers/search?q=a'])
      expect((await t.call('GET', url, undefined, null)).status).toBe(401);
    expect((await t.call('POST', '/api/mail/import', { files: [] }, null)).status).toBe(401);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await ok('GET', '/api/openapi.json');
    for (const p of ['/api/mail/import', '/api/mail/parse', '/api/mail/{id}', '/api/mail/{id}/eml', '/api/inbox'])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.paths['/api/inbox/{id}/approve'].post.requestBody.content['application/json'].schema.required).toEqual([
      'customerId',
    ]);
    expect(doc.paths['/api/monitored-jobs/import'].post.summary).toMatch(/all or nothing/);
  });

  it('searches active customers for the approve dialog', async () => {
    await ok('POST', '/api/customers', { name: 'Acme Retired' }).then((c) =>
      ok('PATCH', `/api/customers/${c.id}`, { active: false }),
    );
    const res = await ok('GET', '/api/customers/search?q=ACME');
    expect(res.items).toEqual([{ id: acme, name: 'Acme Industries' }]);
    expect((await ok('GET', '/api/customers/search?q=')).items.length).toBeGreaterThanOrEqual(3);
    expect((await ok('GET', '/api/customers/search?q=ac', undefined, scoped)).items).toEqual([
      { id: acme, name: 'Acme Industries' },
    ]);
  });
});
