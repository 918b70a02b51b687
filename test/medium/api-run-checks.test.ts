import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createCustomer, HOUR, insertMonitoredJob, insertRun, MIN, okCaller } from '../helpers/review-fixtures.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Run Checks (SPEC §6): unreviewed terminal runs grouped by job, worst first; review per job and
 * in bulk; undo (admins); Mark as success (with an optional override); the override draft.
 *
 *   Acme:  a-failing (failed + success), a-warning (warning, 2 failing objects), a-fine (success;
 *          an older reviewed run), a-archived (archived: hidden), a-restore (only a restore run:
 *          not reviewed), a-running (running: not terminal yet)
 *   Beta:  b-missed (missed), b-object (warning with exactly one failing object)
 */
describe.each(DIALECTS)('Run Checks (%s)', (dialect) => {
  let t: TestApp;
  const ok = okCaller(() => t);
  const c = { acme: 0, beta: 0 };
  const j: Record<string, number> = {};
  const r: Record<string, number> = {};
  const tokens = { viewer: '', reporter: '', acmeOperator: '', operator: '' };
  const T = Date.now() - 6 * HOUR;

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_WORKERS: 'false', KEEPWATCH_SCHEDULER: 'false' });
    const repos = t.app.repos;
    c.acme = await createCustomer(t, 'Acme');
    c.beta = await createCustomer(t, 'Beta');
    for (const [name, customer] of [
      ['a-failing', c.acme],
      ['a-warning', c.acme],
      ['a-fine', c.acme],
      ['a-archived', c.acme],
      ['a-restore', c.acme],
      ['a-running', c.acme],
      ['b-missed', c.beta],
      ['b-object', c.beta],
    ] as const)
      j[name] = await insertMonitoredJob(repos, { customerId: customer, name });
    await repos.jobs.update(j['a-archived']!, { archived_at: T });
    const run = (name: string, status: string, at: number, extra: Record<string, unknown> = {}) =>
      insertRun(repos, {
        jobId: j[name]!,
        customerId: name.startsWith('a-') ? c.acme : c.beta,
        status,
        at,
        ...extra,
      });
    r.failing1 = await run('a-failing', 'failed', T, { error: 'Job failed: disk full' });
    r.failing2 = await run('a-failing', 'success', T + HOUR);
    r.warning = await run('a-warning', 'warning', T, {
      error: '2 of 3 VMs had warnings',
      objects: [
        { name: 'vm-1', status: 'warning', message: 'CBT reset' },
        { name: 'vm-2', status: 'warning', message: 'Low space' },
        { name: 'vm-3', status: 'success' },
      ],
    });
    r.fine = await run('a-fine', 'success', T + 2 * HOUR);
    r.fineOld = await run('a-fine', 'success', T - 24 * HOUR, { reviewedAt: T - 20 * HOUR, reviewedBy: 1 });
    r.archived = await run('a-archived', 'failed', T);
    r.restore = await run('a-restore', 'failed', T, { operation: 'restore' });
    r.running = await insertRun(repos, { jobId: j['a-running']!, customerId: c.acme, status: 'success', at: T });
    await repos.runs.update(r.running, { status: 'running', finished_at: null });
    r.missed = await run('b-missed', 'missed', T);
    r.object = await run('b-object', 'warning', T, {
      error: null,
      objects: [
        { name: 'SQL01', status: 'warning', message: 'Transaction log not truncated' },
        { name: 'DC01', status: 'success' },
      ],
    });
    tokens.viewer = await t.userToken('vic', 'viewer', { allCustomers: true });
    tokens.reporter = await t.userToken('rita', 'reporter', { allCustomers: true });
    tokens.operator = await t.userToken('olga', 'operator', { allCustomers: true });
    tokens.acmeOperator = await t.userToken('otto', 'operator', { customerIds: [c.acme] });
  });
  afterAll(async () => t?.close());

  it('groups unreviewed runs by job, failed and missed first, then warnings, then the rest', async () => {
    const page = await ok('GET', '/api/run-checks');
    expect(page.remaining).toBe(6);
    expect(page.total).toBe(5);
    expect(page.items.map((i: Json) => i.job.name)).toEqual([
      'a-failing',
      'b-missed',
      'a-warning',
      'b-object',
      'a-fine',
    ]);
    const failing = page.items[0];
    expect(failing).toMatchObject({
      job: {
        id: j['a-failing'],
        kind: 'monitored',
        customer: { id: c.acme, name: 'Acme' },
        software: 'Veeam Backup & Replication',
      },
      unreviewed: 2,
      worstStatus: 'failed',
      hasOpenRemark: false,
      hasOpenTicket: false,
    });
    expect(failing.statuses).toMatchObject({ success: 1, failed: 1, warning: 0, missed: 0 });
    expect(page.items[1].statuses.missed).toBe(1);
    expect(Date.parse(failing.lastRunAt)).toBe(T + HOUR + 10 * MIN);
  });

  it('filters by customer and by part of a name, and pages', async () => {
    const beta = await ok('GET', `/api/run-checks?customerId=${c.beta}`);
    expect(beta.items.map((i: Json) => i.job.name)).toEqual(['b-missed', 'b-object']);
    expect(beta.remaining).toBe(2);
    const q = await ok('GET', '/api/run-checks?q=WARN');
    expect(q.items.map((i: Json) => i.job.name)).toEqual(['a-warning']);
    const byCustomerName = await ok('GET', '/api/run-checks?q=bet');
    expect(byCustomerName.total).toBe(2);
    const p2 = await ok('GET', '/api/run-checks?page=2&pageSize=2');
    expect(p2.items.map((i: Json) => i.job.name)).toEqual(['a-warning', 'b-object']);
    expect(p2).toMatchObject({ total: 5, page: 2, pageSize: 2 });
  });

  it('is refused to viewers and reporters on every endpoint, and scoped to the caller’s customers', async () => {
    for (const token of [tokens.viewer, tokens.reporter]) {
      for (const [method, url, body] of [
        ['GET', '/api/run-checks'],
        ['GET', `/api/run-checks/jobs/${j['a-failing']}`],
        ['POST', '/api/run-checks/review', { jobIds: [j['a-failing']] }],
        ['POST', `/api/runs/${r.failing1}/unreview`],
        ['POST', `/api/runs/${r.failing1}/mark-success`, {}],
        ['GET', `/api/runs/${r.failing1}/override-draft`],
      ] as const) {
        const res = await t.call(method, url, body, token);
        expect(res.status, `${method} ${url}`).toBe(403);
      }
    }
    const scoped = await ok('GET', '/api/run-checks', undefined, tokens.acmeOperator);
    expect(scoped.items.map((i: Json) => i.job.name)).toEqual(['a-failing', 'a-warning', 'a-fine']);
    expect(scoped.remaining).toBe(4);
    expect((await t.call('GET', `/api/run-checks/jobs/${j['b-missed']}`, undefined, tokens.acmeOperator)).status).toBe(
      404,
    );
    const review = await t.call('POST', '/api/run-checks/review', { jobIds: [j['b-missed']] }, tokens.acmeOperator);
    expect(review.status).toBe(404);
    expect(review.body.error.message).toContain('jobIds');
    expect((await t.call('GET', '/api/run-checks?includeReviewed=true', undefined, tokens.operator)).status).toBe(403);
  });

  it('shows a job’s unreviewed runs with their objects; admins may include reviewed ones', async () => {
    const detail = await ok('GET', `/api/run-checks/jobs/${j['a-fine']}`);
    expect(detail.job).toMatchObject({ id: j['a-fine'], name: 'a-fine', customer: { name: 'Acme' } });
    expect(detail.runs.map((x: Json) => x.id)).toEqual([r.fine]);
    expect(detail).toMatchObject({ remarks: [], tickets: [] });
    const all = await ok('GET', `/api/run-checks/jobs/${j['a-fine']}?includeReviewed=true`);
    expect(all.runs.map((x: Json) => x.id)).toEqual([r.fine, r.fineOld]);
    expect(all.runs[1].reviewedBy).toEqual({ id: 1, username: 'admin' });
    const warning = await ok('GET', `/api/run-checks/jobs/${j['a-warning']}`);
    expect(warning.runs[0].objects.map((o: Json) => o.name)).toEqual(['vm-1', 'vm-2', 'vm-3']);
    expect(warning.runs[0]).toMatchObject({
      effectiveStatus: 'warning',
      overridden: false,
      reviewedAt: null,
      reviewedBy: null,
    });
    expect((await t.call('GET', `/api/run-checks/jobs/${j['a-archived']}`)).body.runs).toEqual([]);
  });

  it('reviews every unreviewed run of the chosen jobs, records who and when, and audits it', async () => {
    const res = await ok('POST', '/api/run-checks/review', { jobIds: [j['a-failing'], j['a-fine']] }, tokens.operator);
    expect(res.reviewed).toBe(3);
    const run = await ok('GET', `/api/runs/${r.failing1}`);
    expect(run.reviewedBy).toMatchObject({ username: 'olga' });
    expect(Date.now() - Date.parse(run.reviewedAt)).toBeLessThan(60_000);
    const page = await ok('GET', '/api/run-checks');
    expect(page.remaining).toBe(3);
    expect(page.items.map((i: Json) => i.job.name)).toEqual(['b-missed', 'a-warning', 'b-object']);
    // Nothing left to review for these jobs: a second click changes nothing.
    expect((await ok('POST', '/api/run-checks/review', { jobIds: [j['a-failing']] })).reviewed).toBe(0);
    const audit = await t.app.repos.audit.list(null, 50);
    const entries = audit.filter((a) => a.action === 'review' && a.entity === 'job');
    expect(entries.map((a) => Number(a.entity_id)).sort()).toEqual([j['a-failing'], j['a-fine']].sort());
    expect(entries.every((a) => a.actor === 'olga')).toBe(true);
    // Admins can still see what was reviewed (with 0 unreviewed).
    const withReviewed = await ok('GET', '/api/run-checks?includeReviewed=true');
    const failing = withReviewed.items.find((i: Json) => i.job.id === j['a-failing']);
    expect(failing).toMatchObject({ unreviewed: 0, worstStatus: 'failed' });
    expect(withReviewed.remaining).toBe(3);
  });

  it('validates the review body', async () => {
    const empty = await t.call('POST', '/api/run-checks/review', { jobIds: [] });
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('jobIds');
    const wrong = await t.call('POST', '/api/run-checks/review', { jobIds: ['x'] });
    expect(wrong.status).toBe(400);
    expect((await t.call('POST', '/api/run-checks/review', { jobIds: [999999] })).status).toBe(404);
  });

  it('lets admins undo a review; operators may not', async () => {
    expect((await t.call('POST', `/api/runs/${r.failing1}/unreview`, undefined, tokens.operator)).status).toBe(403);
    const run = await ok('POST', `/api/runs/${r.failing1}/unreview`);
    expect(run).toMatchObject({ id: r.failing1, reviewedAt: null, reviewedBy: null });
    const page = await ok('GET', '/api/run-checks');
    expect(page.remaining).toBe(4);
    expect(page.items[0]).toMatchObject({ job: { name: 'a-failing' }, unreviewed: 1 });
    const audit = await t.app.repos.audit.list(null, 20);
    expect(audit.some((a) => a.action === 'unreview' && Number(a.entity_id) === r.failing1)).toBe(true);
  });

  it('drafts an override from a run: its one failing object, or the job', async () => {
    const object = await ok('GET', `/api/runs/${r.object}/override-draft`);
    expect(object).toEqual({
      level: 'object',
      customerId: c.beta,
      jobId: j['b-object'],
      objectName: 'SQL01',
      software: null,
      backupType: null,
      jobNamePattern: null,
      statuses: ['warning'],
      errorMatch: 'contains',
      errorText: 'Transaction log not truncated',
      treatAsSuccess: true,
      validFrom: null,
      validUntil: null,
      comment: '',
    });
    const job = await ok('GET', `/api/runs/${r.warning}/override-draft`);
    expect(job).toMatchObject({
      level: 'job',
      objectName: null,
      statuses: ['warning'],
      errorText: '2 of 3 VMs had warnings',
    });
    const failed = await ok('GET', `/api/runs/${r.failing1}/override-draft`);
    expect(failed).toMatchObject({ level: 'job', statuses: ['failed'], errorText: 'Job failed: disk full' });
  });

  it('marks a run as success (blue "Success (override)") and reviews it', async () => {
    const res = await ok('POST', `/api/runs/${r.failing1}/mark-success`, {}, tokens.acmeOperator);
    expect(res.override).toBeNull();
    expect(res.run).toMatchObject({
      id: r.failing1,
      status: 'failed',
      effectiveStatus: 'success',
      overridden: true,
      overrideId: null,
      reviewedBy: { username: 'otto' },
    });
    expect(res.run.reviewedAt).not.toBeNull();
    const page = await ok('GET', '/api/run-checks');
    expect(page.items.some((i: Json) => i.job.id === j['a-failing'])).toBe(false);
    // Not finished yet: nothing to mark.
    expect((await t.call('POST', `/api/runs/${r.running}/mark-success`, {})).status).toBe(409);
  });

  it('marks as success and creates an override for future runs in one step', async () => {
    const draft = await ok('GET', `/api/runs/${r.object}/override-draft`);
    const bad = await t.call('POST', `/api/runs/${r.object}/mark-success`, { override: { ...draft, statuses: [] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('statuses');
    expect((await ok('GET', `/api/runs/${r.object}`)).reviewedAt).toBeNull();

    const res = await ok('POST', `/api/runs/${r.object}/mark-success`, { override: { ...draft, comment: 'known' } });
    expect(res.override).toMatchObject({
      level: 'object',
      jobId: j['b-object'],
      objectName: 'SQL01',
      statuses: ['warning'],
      errorText: 'Transaction log not truncated',
      treatAsSuccess: true,
      comment: 'known',
      createdBy: { username: 'admin' },
    });
    expect(res.run).toMatchObject({ effectiveStatus: 'success', overridden: true, overrideId: res.override.id });
    const rules = await ok('GET', `/api/overrides?jobId=${j['b-object']}`);
    expect(rules.items.map((o: Json) => o.id)).toEqual([res.override.id]);
    const audit = await t.app.repos.audit.list(null, 20);
    expect(audit.some((a) => a.action === 'mark_success' && Number(a.entity_id) === r.object)).toBe(true);
  });
});
