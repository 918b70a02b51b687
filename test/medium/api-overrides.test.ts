import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyOverridesToRuns } from '../../src/services/override-apply.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { createCustomer, HOUR, insertMonitoredJob, insertRun, okCaller } from '../helpers/review-fixtures.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Overrides (SPEC §6): CRUD with validation and customer scoping, application when a run is
 * recorded (reports, and managed runs finished by the runner), and re-evaluation of unreviewed
 * runs (POST /api/overrides/apply).
 */
describe.each(DIALECTS)('overrides (%s)', (dialect) => {
  let t: TestApp;
  const ok = okCaller(() => t);
  const c = { acme: 0, beta: 0 };
  const j = { veeam: 0, other: 0, beta: 0 };
  const tokens = { acmeOperator: '', operator: '', viewer: '' };
  const T = Date.now() - 3 * HOUR;
  const report = (jobId: number, customerId: number, status: string, error: string | null, extra = {}) =>
    insertRun(t.app.repos, { jobId, customerId, status, at: T, error, ...extra });
  const run = (id: number): Promise<Json> => ok('GET', `/api/runs/${id}`);

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_SCHEDULER: 'false' });
    c.acme = await createCustomer(t, 'Acme');
    c.beta = await createCustomer(t, 'Beta');
    j.veeam = await insertMonitoredJob(t.app.repos, { customerId: c.acme, name: 'VEEAM-Nightly' });
    j.other = await insertMonitoredJob(t.app.repos, {
      customerId: c.acme,
      name: 'files',
      software: 'Synology Hyper Backup',
      backupType: 'Files',
    });
    j.beta = await insertMonitoredJob(t.app.repos, { customerId: c.beta, name: 'beta-nightly' });
    tokens.acmeOperator = await t.userToken('otto', 'operator', { customerIds: [c.acme] });
    tokens.operator = await t.userToken('olga', 'operator', { allCustomers: true });
    tokens.viewer = await t.userToken('vic', 'viewer', { customerIds: [c.acme] });
  });
  afterAll(async () => t?.close());

  it('validates input with messages that name the field', async () => {
    const cases: [Json, string][] = [
      [{ statuses: [] }, 'statuses'],
      [{ statuses: ['success'] }, 'statuses'],
      [{ statuses: ['warning'], errorMatch: 'regex' }, 'errorMatch'],
      [{ statuses: ['warning'], validFrom: '2025-02-01', validUntil: '2025-01-01' }, 'validUntil'],
      [{ statuses: ['warning'], validFrom: 'soon' }, 'validFrom'],
      [{ statuses: ['warning'], level: 'object', jobId: j.veeam }, 'objectName'],
      [{ statuses: ['warning'], level: 'job' }, 'jobId'],
      [{ statuses: ['warning'], level: 'planet' }, 'level'],
      [{ statuses: ['warning'], jobId: j.veeam, software: 'Veeam' }, 'software'],
      [{ statuses: ['warning'], jobId: j.veeam, customerId: c.beta }, 'customerId'],
      [{ statuses: ['warning'], colour: 'blue' }, 'colour'],
      [{ statuses: 'warning' }, 'statuses'],
    ];
    for (const [body, field] of cases) {
      const res = await t.call('POST', '/api/overrides', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message, JSON.stringify(body)).toContain(field);
    }
    expect((await t.call('POST', '/api/overrides', { statuses: ['failed'], jobId: 999999 })).status).toBe(404);
  });

  it('creates, reads, edits and deletes rules: operators create and edit, only admins delete', async () => {
    const created = await ok(
      'POST',
      '/api/overrides',
      { jobId: j.other, statuses: ['warning', 'failed'], errorText: 'locked file', comment: 'AV scanner' },
      tokens.operator,
    );
    expect(created).toMatchObject({
      level: 'job',
      customerId: c.acme,
      jobId: j.other,
      objectName: null,
      statuses: ['warning', 'failed'],
      errorMatch: 'contains',
      errorText: 'locked file',
      treatAsSuccess: true,
      validFrom: null,
      validUntil: null,
      comment: 'AV scanner',
      createdBy: { username: 'olga' },
    });
    expect(await ok('GET', `/api/overrides/${created.id}`)).toEqual(created);
    const edited = await ok(
      'PATCH',
      `/api/overrides/${created.id}`,
      { objectName: 'C:\\data', errorMatch: 'starts_with', validUntil: '2099-01-01T00:00:00Z' },
      tokens.operator,
    );
    expect(edited).toMatchObject({
      level: 'object',
      objectName: 'C:\\data',
      errorMatch: 'starts_with',
      errorText: 'locked file',
      validUntil: '2099-01-01T00:00:00.000Z',
    });
    const badPatch = await t.call('PATCH', `/api/overrides/${created.id}`, { statuses: [] });
    expect(badPatch.status).toBe(400);
    expect(badPatch.body.error.message).toContain('statuses');
    expect((await t.call('DELETE', `/api/overrides/${created.id}`, undefined, tokens.operator)).status).toBe(403);
    expect((await t.call('DELETE', `/api/overrides/${created.id}`)).status).toBe(204);
    expect((await t.call('GET', `/api/overrides/${created.id}`)).status).toBe(404);
    const audit = await t.app.repos.audit.list(null, 30);
    expect(
      audit.filter((a) => a.entity === 'override' && Number(a.entity_id) === created.id).map((a) => a.action),
    ).toEqual(['delete', 'update', 'create']);
  });

  it('scopes rules to the caller’s customers', async () => {
    expect(
      (await t.call('POST', '/api/overrides', { statuses: ['failed'] }, tokens.viewer)).status,
      'viewers do not write rules',
    ).toBe(403);
    // A rule for every customer reaches runs a customer-scoped operator cannot see.
    const global = await t.call('POST', '/api/overrides', { statuses: ['failed'] }, tokens.acmeOperator);
    expect(global.status).toBe(403);
    expect(global.body.error.message).toContain('customerId');
    expect(
      (await t.call('POST', '/api/overrides', { statuses: ['failed'], jobId: j.beta }, tokens.acmeOperator)).status,
    ).toBe(404);
    const own = await ok(
      'POST',
      '/api/overrides',
      { statuses: ['failed'], customerId: c.acme, software: 'Synology Hyper Backup', errorText: 'zzz-never' },
      tokens.acmeOperator,
    );
    expect(own).toMatchObject({ level: 'global', customerId: c.acme, software: 'Synology Hyper Backup' });
    const betaRule = await ok('POST', '/api/overrides', {
      statuses: ['failed'],
      jobId: j.beta,
      errorText: 'zzz-never',
    });
    const everyone = await ok('POST', '/api/overrides', { statuses: ['failed'], jobNamePattern: 'zzz*' });
    const seen = (await ok('GET', '/api/overrides', undefined, tokens.acmeOperator)).items.map((o: Json) => o.id);
    expect(seen).toContain(own.id);
    expect(seen).toContain(everyone.id);
    expect(seen).not.toContain(betaRule.id);
    expect((await t.call('GET', `/api/overrides/${betaRule.id}`, undefined, tokens.acmeOperator)).status).toBe(404);
    expect((await t.call('PATCH', `/api/overrides/${everyone.id}`, { comment: 'x' }, tokens.acmeOperator)).status).toBe(
      403,
    );
    const byCustomer = (await ok('GET', `/api/overrides?customerId=${c.beta}`)).items.map((o: Json) => o.id);
    expect(byCustomer).toEqual([betaRule.id]);
    for (const id of [own.id, betaRule.id, everyone.id]) await ok('DELETE', `/api/overrides/${id}`);
  });

  it('applies rules to runs as they are recorded, also inside a transaction, and notices rule changes', async () => {
    const before = await report(j.veeam, c.acme, 'warning', 'Changed block tracking was reset for vm-7');
    expect(await applyOverridesToRuns(t.app.repos, [before], Date.now())).toBe(0);

    const rule = await ok('POST', '/api/overrides', {
      statuses: ['warning'],
      software: 'veeam backup & replication',
      jobNamePattern: 'veeam-*',
      errorText: 'changed block tracking',
    });
    const fresh = await report(j.veeam, c.acme, 'warning', 'Changed block tracking was reset for vm-9');
    const unrelated = await report(j.veeam, c.acme, 'warning', 'Low disk space');
    const otherJob = await report(j.other, c.acme, 'warning', 'Changed block tracking was reset');
    const changed = await t.app.repos.transaction((tx) =>
      applyOverridesToRuns(tx, [fresh, unrelated, otherJob], Date.now()),
    );
    expect(changed).toBe(1);
    expect(await run(fresh)).toMatchObject({
      status: 'warning',
      effectiveStatus: 'success',
      overridden: true,
      overrideId: rule.id,
    });
    expect(await run(unrelated)).toMatchObject({ effectiveStatus: 'warning', overridden: false, overrideId: null });
    expect((await run(otherJob)).overrideId).toBeNull();

    // treatAsSuccess off: the run is matched (rule id recorded) but keeps its status.
    await ok('PATCH', `/api/overrides/${rule.id}`, { treatAsSuccess: false });
    const flagged = await report(j.veeam, c.acme, 'warning', 'changed block tracking');
    expect(await applyOverridesToRuns(t.app.repos, [flagged], Date.now())).toBe(1);
    expect(await run(flagged)).toMatchObject({ effectiveStatus: 'warning', overridden: false, overrideId: rule.id });

    await ok('DELETE', `/api/overrides/${rule.id}`);
    const after = await report(j.veeam, c.acme, 'warning', 'Changed block tracking was reset');
    expect(await applyOverridesToRuns(t.app.repos, [after], Date.now())).toBe(0);
    expect((await run(after)).overridden).toBe(false);
    // Clean up for the next test: these runs are reviewed.
    await ok('POST', '/api/run-checks/review', { jobIds: [j.veeam, j.other] });
  });

  it('re-evaluates unreviewed runs only, clears outcomes of rules that no longer match, keeps manual marks', async () => {
    const a = await report(j.beta, c.beta, 'failed', 'Access denied to share \\\\nas\\backup');
    const b = await report(j.beta, c.beta, 'failed', 'Access denied to share \\\\nas\\archive');
    const reviewed = await report(j.beta, c.beta, 'failed', 'Access denied', { reviewedAt: T, reviewedBy: 1 });
    const manual = await report(j.beta, c.beta, 'failed', 'Something else');
    await ok('POST', `/api/runs/${manual}/mark-success`, {});
    await ok('POST', `/api/runs/${manual}/unreview`);
    const object = await report(j.beta, c.beta, 'warning', null, {
      objects: [
        { name: 'SQL01', status: 'warning', message: 'log not truncated' },
        { name: 'DC01', status: 'success' },
      ],
    });

    const rule = await ok('POST', '/api/overrides', {
      jobId: j.beta,
      statuses: ['failed'],
      errorText: 'access denied',
    });
    const objectRule = await ok('POST', '/api/overrides', {
      jobId: j.beta,
      objectName: 'sql01',
      statuses: ['warning'],
      errorText: 'log not truncated',
    });
    // A customer-scoped operator re-evaluates only their customers' runs.
    expect((await ok('POST', '/api/overrides/apply', undefined, tokens.acmeOperator)).changed).toBe(0);
    expect((await ok('POST', '/api/overrides/apply')).changed).toBe(3);
    expect((await run(a)).overrideId).toBe(rule.id);
    expect((await run(b)).effectiveStatus).toBe('success');
    expect(await run(object)).toMatchObject({ effectiveStatus: 'success', overrideId: objectRule.id });
    expect(await run(reviewed)).toMatchObject({ effectiveStatus: 'failed', overrideId: null });
    expect((await ok('POST', '/api/overrides/apply')).changed).toBe(0);

    // The rule narrows: runs it no longer matches lose its outcome; the manual mark stays.
    await ok('PATCH', `/api/overrides/${rule.id}`, { errorText: 'nas\\backup' });
    expect((await ok('POST', '/api/overrides/apply')).changed).toBe(1);
    expect((await run(a)).effectiveStatus).toBe('success');
    expect(await run(b)).toMatchObject({ effectiveStatus: 'failed', overridden: false, overrideId: null });
    expect(await run(manual)).toMatchObject({ effectiveStatus: 'success', overridden: true, overrideId: null });
    expect((await t.call('POST', '/api/overrides/apply', undefined, tokens.viewer)).status).toBe(403);

    // In Run Checks an overridden failure counts as success.
    const checks = await ok('GET', `/api/run-checks?customerId=${c.beta}`);
    expect(checks.items[0].statuses.success).toBeGreaterThanOrEqual(3);
  });

  it('applies rules when the runner finishes a managed run', async () => {
    await ok('POST', '/api/destinations', {
      name: 'disk',
      customerId: c.acme,
      kind: 'local',
      config: { path: path.join(t.dataDir, 'backups') },
    });
    await ok('POST', '/api/sources', {
      name: 'gone',
      customerId: c.acme,
      kind: 'sqlite',
      config: { path: path.join(t.dataDir, 'does-not-exist.db') },
    });
    const job = await ok('POST', '/api/jobs', {
      name: 'managed',
      customerId: c.acme,
      source: 'gone',
      destinations: [{ destination: 'disk' }],
    });
    const first = await t.waitForRun((await ok('POST', `/api/jobs/${job.id}/run`)).id);
    expect(first).toMatchObject({ status: 'failed', overridden: false });
    const rule = await ok('POST', '/api/overrides', { jobId: job.id, statuses: ['failed'] });
    const second = await t.waitForRun((await ok('POST', `/api/jobs/${job.id}/run`)).id);
    // The override is written right after the status; give the runner its moment.
    let latest = second;
    for (let i = 0; i < 50 && !latest.overridden; i++) {
      await new Promise((r) => setTimeout(r, 20));
      latest = await run(second.id);
    }
    expect(latest).toMatchObject({
      status: 'failed',
      effectiveStatus: 'success',
      overridden: true,
      overrideId: rule.id,
    });
  });
});
