import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createCustomer, DAY, HOUR, insertMonitoredJob, insertRun, okCaller } from '../helpers/review-fixtures.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Remarks and tickets (SPEC §6): CRUD, scoping, the 💬/🎫 indicators on Run Checks rows and
 * Job DTOs, and the rule that writing one never reviews a run.
 */
describe.each(DIALECTS)('remarks and tickets (%s)', (dialect) => {
  let t: TestApp;
  const ok = okCaller(() => t);
  const c = { acme: 0, beta: 0 };
  const j = { one: 0, two: 0, beta: 0 };
  const r = { one: 0, two: 0, beta: 0 };
  const tokens = { acmeOperator: '', viewer: '' };
  const T = Date.now() - 2 * HOUR;

  const row = async (jobId: number): Promise<Json> =>
    (await ok('GET', '/api/run-checks')).items.find((i: Json) => i.job.id === jobId);
  const flags = async (jobId: number) => {
    const job = await ok('GET', `/api/jobs/${jobId}`);
    const check = await row(jobId);
    return {
      remark: [job.hasOpenRemark, check?.hasOpenRemark],
      ticket: [job.hasOpenTicket, check?.hasOpenTicket],
    };
  };

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_WORKERS: 'false', KEEPWATCH_SCHEDULER: 'false' });
    c.acme = await createCustomer(t, 'Acme');
    c.beta = await createCustomer(t, 'Beta');
    j.one = await insertMonitoredJob(t.app.repos, { customerId: c.acme, name: 'one' });
    j.two = await insertMonitoredJob(t.app.repos, { customerId: c.acme, name: 'two' });
    j.beta = await insertMonitoredJob(t.app.repos, { customerId: c.beta, name: 'beta' });
    r.one = await insertRun(t.app.repos, { jobId: j.one, customerId: c.acme, status: 'failed', at: T, error: 'x' });
    r.two = await insertRun(t.app.repos, { jobId: j.two, customerId: c.acme, status: 'warning', at: T });
    r.beta = await insertRun(t.app.repos, { jobId: j.beta, customerId: c.beta, status: 'success', at: T });
    tokens.acmeOperator = await t.userToken('otto', 'operator', { customerIds: [c.acme] });
    tokens.viewer = await t.userToken('vic', 'viewer', { customerIds: [c.acme] });
  });
  afterAll(async () => t?.close());

  it('adds a remark without reviewing anything, and shows 💬 until it is resolved', async () => {
    expect(await flags(j.one)).toEqual({ remark: [false, false], ticket: [false, false] });
    const remaining = (await ok('GET', '/api/run-checks')).remaining;
    const remark = await ok(
      'POST',
      '/api/remarks',
      { jobId: j.one, runId: r.one, text: 'Disk replaced on Tuesday', startDate: '2025-03-01' },
      tokens.acmeOperator,
    );
    expect(remark).toMatchObject({
      jobId: j.one,
      runId: r.one,
      customerId: c.acme,
      text: 'Disk replaced on Tuesday',
      startDate: '2025-03-01T00:00:00.000Z',
      resolvedAt: null,
      createdBy: { username: 'otto' },
    });
    expect((await ok('GET', `/api/runs/${r.one}`)).reviewedAt).toBeNull();
    expect((await ok('GET', '/api/run-checks')).remaining).toBe(remaining);
    expect(await flags(j.one)).toEqual({ remark: [true, true], ticket: [false, false] });
    expect((await flags(j.two)).remark).toEqual([false, false]);
    const detail = await ok('GET', `/api/run-checks/jobs/${j.one}`);
    expect(detail.remarks.map((x: Json) => x.id)).toEqual([remark.id]);

    expect((await ok('GET', `/api/remarks?jobId=${j.one}&open=true`)).items).toHaveLength(1);
    const resolved = await ok('PATCH', `/api/remarks/${remark.id}`, { resolvedAt: new Date().toISOString() });
    expect(resolved.resolvedAt).not.toBeNull();
    expect((await ok('GET', `/api/remarks?jobId=${j.one}&open=true`)).items).toHaveLength(0);
    expect((await ok('GET', `/api/remarks?jobId=${j.one}&open=false`)).items).toHaveLength(1);
    expect(await flags(j.one)).toEqual({ remark: [false, false], ticket: [false, false] });
    const reopened = await ok('PATCH', `/api/remarks/${remark.id}`, { resolvedAt: null, text: 'Reopened' });
    expect(reopened).toMatchObject({ resolvedAt: null, text: 'Reopened' });
    expect((await flags(j.one)).remark).toEqual([true, true]);
    expect((await t.call('DELETE', `/api/remarks/${remark.id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/remarks/${remark.id}`)).status).toBe(404);
    expect((await flags(j.one)).remark).toEqual([false, false]);
  });

  it('validates remarks and keeps them to the caller’s customers', async () => {
    const empty = await t.call('POST', '/api/remarks', { jobId: j.one, text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('text');
    const wrongRun = await t.call('POST', '/api/remarks', { jobId: j.one, runId: r.two, text: 'x' });
    expect(wrongRun.status).toBe(400);
    expect(wrongRun.body.error.message).toContain('runId');
    const badDate = await t.call('POST', '/api/remarks', { jobId: j.one, text: 'x', startDate: 'someday' });
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.message).toContain('startDate');
    expect((await t.call('POST', '/api/remarks', { jobId: j.beta, text: 'x' }, tokens.acmeOperator)).status).toBe(404);
    expect((await t.call('POST', '/api/remarks', { jobId: j.one, text: 'x' }, tokens.viewer)).status).toBe(403);
    const beta = await ok('POST', '/api/remarks', { jobId: j.beta, text: 'beta only' });
    expect(
      (await ok('GET', '/api/remarks', undefined, tokens.acmeOperator)).items.map((x: Json) => x.id),
    ).not.toContain(beta.id);
    expect((await t.call('GET', `/api/remarks/${beta.id}`, undefined, tokens.acmeOperator)).status).toBe(404);
    expect((await t.call('PATCH', `/api/remarks/${beta.id}`, { text: 'y' }, tokens.acmeOperator)).status).toBe(404);
    await ok('DELETE', `/api/remarks/${beta.id}`);
  });

  it('creates a ticket from Run Checks (scoped to the run’s job) without reviewing the run', async () => {
    const ticket = await ok(
      'POST',
      '/api/tickets',
      { code: 'PSA-1001', description: 'Vendor case', runId: r.one },
      tokens.acmeOperator,
    );
    expect(ticket).toMatchObject({
      code: 'PSA-1001',
      description: 'Vendor case',
      activeFrom: null,
      resolvedAt: null,
      runId: r.one,
      scopes: [{ kind: 'job', jobId: j.one, customerId: c.acme }],
      createdBy: { username: 'otto' },
    });
    expect((await ok('GET', `/api/runs/${r.one}`)).reviewedAt).toBeNull();
    expect(await flags(j.one)).toEqual({ remark: [false, false], ticket: [true, true] });
    expect((await flags(j.two)).ticket).toEqual([false, false]);
    const detail = await ok('GET', `/api/run-checks/jobs/${j.one}`);
    expect(detail.tickets.map((x: Json) => x.code)).toEqual(['PSA-1001']);
    await ok('PATCH', `/api/tickets/${ticket.id}`, { resolvedAt: new Date().toISOString() });
    expect((await flags(j.one)).ticket).toEqual([false, false]);
    expect((await ok('GET', `/api/tickets?open=true&jobId=${j.one}`)).items).toHaveLength(0);
    await ok('DELETE', `/api/tickets/${ticket.id}`);
  });

  it('counts a ticket for a job through a job, object or customer scope once it is active', async () => {
    const customerTicket = await ok('POST', '/api/tickets', {
      code: 'PSA-2',
      scopes: [{ kind: 'customer', customerId: c.acme }],
    });
    expect((await flags(j.one)).ticket).toEqual([true, true]);
    expect((await flags(j.two)).ticket).toEqual([true, true]);
    expect((await flags(j.beta)).ticket).toEqual([false, false]);
    await ok('PATCH', `/api/tickets/${customerTicket.id}`, {
      scopes: [{ kind: 'object', jobId: j.two, objectName: 'vm-1' }],
    });
    expect((await flags(j.one)).ticket).toEqual([false, false]);
    expect((await flags(j.two)).ticket).toEqual([true, true]);
    const updated = await ok('GET', `/api/tickets/${customerTicket.id}`);
    expect(updated.scopes).toEqual([{ kind: 'object', jobId: j.two, objectName: 'vm-1', customerId: c.acme }]);
    // Not active yet: no indicator until its active-from date.
    await ok('PATCH', `/api/tickets/${customerTicket.id}`, { activeFrom: new Date(Date.now() + DAY).toISOString() });
    expect((await flags(j.two)).ticket).toEqual([false, false]);
    expect((await ok('GET', `/api/tickets?jobId=${j.two}`)).items.map((x: Json) => x.id)).toEqual([customerTicket.id]);
    expect((await ok('GET', `/api/tickets?customerId=${c.acme}`)).items.map((x: Json) => x.id)).toEqual([
      customerTicket.id,
    ]);
    expect((await ok('GET', `/api/tickets?customerId=${c.beta}`)).items).toEqual([]);
    await ok('DELETE', `/api/tickets/${customerTicket.id}`);
  });

  it('validates tickets and shows a ticket only to those who see all its customers', async () => {
    for (const [body, field] of [
      [{ code: '', scopes: [{ kind: 'job', jobId: j.one }] }, 'code'],
      [{ code: 'X' }, 'scopes'],
      [{ code: 'X', scopes: [] }, 'scopes'],
      [{ code: 'X', scopes: [{ kind: 'planet' }] }, 'scopes[0].kind'],
      [{ code: 'X', scopes: [{ kind: 'object', jobId: j.one }] }, 'scopes[0].objectName'],
      [{ code: 'X', scopes: [{ kind: 'customer' }] }, 'scopes[0].customerId'],
      [{ code: 'X', activeFrom: 'tomorrow', scopes: [{ kind: 'job', jobId: j.one }] }, 'activeFrom'],
    ] as const) {
      const res = await t.call('POST', '/api/tickets', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message, JSON.stringify(body)).toContain(field);
    }
    const both = await ok('POST', '/api/tickets', {
      code: 'PSA-3',
      scopes: [
        { kind: 'job', jobId: j.one },
        { kind: 'job', jobId: j.beta },
      ],
    });
    expect(
      (await ok('GET', '/api/tickets', undefined, tokens.acmeOperator)).items.map((x: Json) => x.id),
    ).not.toContain(both.id);
    expect((await t.call('GET', `/api/tickets/${both.id}`, undefined, tokens.acmeOperator)).status).toBe(404);
    expect((await t.call('DELETE', `/api/tickets/${both.id}`, undefined, tokens.acmeOperator)).status).toBe(404);
    const scoped = await t.call(
      'POST',
      '/api/tickets',
      { code: 'PSA-4', scopes: [{ kind: 'job', jobId: j.beta }] },
      tokens.acmeOperator,
    );
    expect(scoped.status).toBe(404);
    expect(
      (await t.call('POST', '/api/tickets', { code: 'PSA-5', scopes: [{ kind: 'job', jobId: j.one }] }, tokens.viewer))
        .status,
    ).toBe(403);
    expect((await ok('GET', '/api/tickets', undefined, tokens.viewer)).items).toEqual([]);
    expect((await t.call('DELETE', `/api/tickets/${both.id}`)).status).toBe(204);
    const audit = await t.app.repos.audit.list(null, 100);
    expect(audit.filter((a) => a.entity === 'ticket' && Number(a.entity_id) === both.id).map((a) => a.action)).toEqual([
      'delete',
      'create',
    ]);
  });
});
