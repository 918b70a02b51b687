import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Bad input (SPEC §10): a clear error (status, code, a message naming the field or the object)
 * and no change at all — after every failure the whole visible state (lists of every kind,
 * users, settings, audit log) is compared with the state before.
 */

interface Expectation {
  status: number;
  /** Substrings the error message must contain (the field, the value, the name). */
  mentions: string[];
}

describe.each(DIALECTS)('API validation (%s)', (dialect) => {
  let t: TestApp;
  let other: number;
  let job: Json;
  const base = () => ({ name: 'new-job', source: 's1', destinations: [{ destination: 'd1' }] });

  const ok = async (method: string, url: string, body?: unknown) => {
    const res = await t.call(method, url, body);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  const state = async () => {
    const urls = [
      '/api/customers',
      '/api/sources',
      '/api/destinations',
      '/api/notification-channels',
      '/api/encryption-profiles',
      '/api/jobs',
      '/api/jobs?archived=true',
      '/api/users',
      '/api/settings',
      '/api/auth/tokens',
      '/api/audit?limit=1000',
      '/api/runs',
    ];
    const bodies = await Promise.all(urls.map((u) => ok('GET', u)));
    return Object.fromEntries(urls.map((u, i) => [u, bodies[i]]));
  };
  /**
   * The state every failure must leave as it found it. Failures change nothing, so it is read
   * once and compared after each; a test that changes something on purpose calls `changed()`.
   */
  let baseline: Record<string, unknown> | null = null;
  const changed = () => {
    baseline = null;
  };

  /** Sends a bad request; asserts the error and that nothing changed. */
  const rejects = async (
    method: string,
    url: string,
    body: unknown,
    want: Expectation,
    send: () => Promise<{ status: number; body: Json }> = () => t.call(method, url, body),
  ) => {
    baseline ??= await state();
    const before = baseline;
    const res = await send();
    const label = `${method} ${url} ${JSON.stringify(body)?.slice(0, 200)}`;
    expect(res.status, `${label} → ${JSON.stringify(res.body)}`).toBe(want.status);
    const code = { 400: 'validation_failed', 404: 'not_found', 409: 'conflict', 415: 'validation_failed' }[want.status];
    expect(res.body?.error?.code, label).toBe(code);
    const message = String(res.body.error.message);
    for (const m of want.mentions) expect(message, label).toContain(m);
    expect(await state(), `${label} changed something`).toEqual(before);
    return message;
  };

  const raw =
    (method: string, url: string, payload: string, contentType = 'application/json') =>
    async () => {
      const res = await t.app.http.inject({
        method: method as 'POST',
        url,
        headers: { authorization: `Bearer ${t.token}`, 'content-type': contentType },
        payload,
      });
      return { status: res.statusCode, body: JSON.parse(res.body) };
    };

  beforeAll(async () => {
    t = await startTestApp(dialect, { KEEPWATCH_SCHEDULER: 'false' });
    other = (await ok('POST', '/api/customers', { name: 'Other' })).id;
    await ok('POST', '/api/sources', { name: 's1', kind: 'sqlite', config: { path: path.join(t.dataDir, 's1.db') } });
    await ok('POST', '/api/destinations', { name: 'd1', kind: 'local', config: { path: path.join(t.dataDir, 'd1') } });
    await ok('POST', '/api/destinations', {
      name: 'd-other',
      customer: 'Other',
      kind: 'local',
      config: { path: path.join(t.dataDir, 'd-other') },
    });
    await ok('POST', '/api/encryption-profiles', { name: 'p1' });
    await ok('POST', '/api/notification-channels', {
      name: 'c1',
      kind: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook' },
    });
    job = await ok('POST', '/api/jobs', {
      ...base(),
      name: 'j1',
      schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Paris' },
      encryptionProfile: 'p1',
    });
    await ok('POST', '/api/jobs', { ...base(), name: 'j2' });
  });
  afterAll(async () => t?.close());

  it('rejects a body that is not JSON, not an object, or empty', async () => {
    const jobs = '/api/jobs';
    await rejects(
      'POST',
      jobs,
      '{"name": "x",',
      { status: 400, mentions: ['JSON'] },
      raw('POST', jobs, '{"name": "x",'),
    );
    await rejects('POST', jobs, '[]', { status: 400, mentions: ['body'] }, raw('POST', jobs, '[]'));
    await rejects('POST', jobs, '"job"', { status: 400, mentions: ['body'] }, raw('POST', jobs, '"job"'));
    await rejects('POST', jobs, 'null', { status: 400, mentions: ['body'] }, raw('POST', jobs, 'null'));
    await rejects('POST', jobs, '', { status: 400, mentions: ['empty'] }, raw('POST', jobs, ''));
    await rejects(
      'POST',
      '/api/sources',
      '{bad',
      { status: 400, mentions: ['JSON'] },
      raw('POST', '/api/sources', '{bad'),
    );
    await rejects(
      'PATCH',
      '/api/settings',
      '{"maxConcurrentRuns": 2',
      { status: 400, mentions: ['JSON'] },
      raw('PATCH', '/api/settings', '{"maxConcurrentRuns": 2'),
    );
    await rejects(
      'POST',
      jobs,
      '<job/>',
      { status: 415, mentions: ['application/xml'] },
      raw('POST', jobs, '<job/>', 'application/xml'),
    );
    await rejects(
      'POST',
      '/api/config/apply',
      'sources: []',
      { status: 400, mentions: ['body'] },
      raw('POST', '/api/config/apply', 'sources: []', 'text/plain'),
    );
  });

  it('rejects unknown fields, naming them', async () => {
    await rejects('POST', '/api/jobs', { ...base(), colour: 'red' }, { status: 400, mentions: ['colour'] });
    await rejects('PATCH', '/api/jobs/j1', { colour: 'red' }, { status: 400, mentions: ['colour'] });
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), destinations: [{ destination: 'd1', keep: 3 }] },
      { status: 400, mentions: ['keep'] },
    );
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), compression: { algorithm: 'gzip', lvl: 3 } },
      { status: 400, mentions: ['lvl'] },
    );
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), schedule: { type: 'cron', expression: '0 2 * * *', tz: 'UTC' } },
      { status: 400, mentions: ['schedule.tz'] },
    );
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), destinations: [{ destination: 'd1', retention: { type: 'keep_last', count: 3, days: 4 } }] },
      { status: 400, mentions: ['days'] },
    );
    await rejects(
      'POST',
      '/api/sources',
      { name: 'x', kind: 'sqlite', config: { path: '/tmp/x.db' }, colour: 'red' },
      { status: 400, mentions: ['colour'] },
    );
    await rejects(
      'POST',
      '/api/sources',
      { name: 'x', kind: 'sqlite', config: { path: '/tmp/x.db', colour: 'red' } },
      { status: 400, mentions: ['source.config.colour'] },
    );
    await rejects(
      'PATCH',
      '/api/destinations/d1',
      { config: { path: '/tmp/elsewhere', colour: 'red' } },
      { status: 400, mentions: ['colour'] },
    );
    await rejects('POST', '/api/customers', { name: 'X', colour: 'red' }, { status: 400, mentions: ['colour'] });
    await rejects('PATCH', '/api/settings', { colour: 'red' }, { status: 400, mentions: ['colour'] });
    await rejects(
      'POST',
      '/api/users',
      { username: 'zed', password: 'zed-password-123', role: 'viewer', colour: 'red' },
      { status: 400, mentions: ['colour'] },
    );
    await rejects('POST', '/api/auth/tokens', { name: 'x', colour: 'red' }, { status: 400, mentions: ['colour'] });
    await rejects(
      'POST',
      '/api/encryption-profiles',
      { name: 'x', colour: 'red' },
      { status: 400, mentions: ['colour'] },
    );
    await rejects(
      'POST',
      '/api/jobs/j1/duplicate',
      { name: 'j9', colour: 'red' },
      { status: 400, mentions: ['colour'] },
    );
    await rejects(
      'POST',
      '/api/config/apply',
      { yaml: 'sources: []', colour: 'red' },
      { status: 400, mentions: ['colour'] },
    );
  });

  it('rejects wrong types instead of coercing them', async () => {
    await rejects('POST', '/api/customers', { name: 5 }, { status: 400, mentions: ['name'] });
    await rejects('POST', '/api/jobs', { ...base(), name: 5 }, { status: 400, mentions: ['name'] });
    await rejects('POST', '/api/jobs', { ...base(), enabled: 'yes' }, { status: 400, mentions: ['enabled'] });
    await rejects('POST', '/api/jobs', { ...base(), enabled: 'true' }, { status: 400, mentions: ['enabled'] });
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), timeoutSeconds: '600' },
      { status: 400, mentions: ['timeoutSeconds'] },
    );
    await rejects('POST', '/api/jobs', { ...base(), destinations: 'd1' }, { status: 400, mentions: ['destinations'] });
    await rejects('POST', '/api/jobs', { ...base(), schedule: 'daily' }, { status: 400, mentions: ['schedule'] });
    await rejects(
      'PATCH',
      '/api/settings',
      { maxConcurrentRuns: '3' },
      { status: 400, mentions: ['maxConcurrentRuns'] },
    );
    await rejects('PATCH', '/api/settings', { maxConcurrentRuns: 0 }, { status: 400, mentions: ['maxConcurrentRuns'] });
    await rejects('PATCH', '/api/settings', { timezone: 'Mars/Olympus' }, { status: 400, mentions: ['timezone'] });
    await rejects('PATCH', `/api/customers/${other}`, { active: 'false' }, { status: 400, mentions: ['active'] });
    await rejects(
      'PATCH',
      `/api/customers/${other}`,
      { timezone: 'Mars/Olympus' },
      { status: 400, mentions: ['timezone', 'Mars/Olympus'] },
    );
    await rejects(
      'POST',
      '/api/sources',
      { name: 'x', kind: 'sqlite', config: { path: 5 } },
      { status: 400, mentions: ['source.config.path'] },
    );
    await rejects(
      'POST',
      '/api/users',
      { username: 'zed', password: 'zed-password-123', role: 'viewer', customerIds: 1 },
      { status: 400, mentions: ['customerIds'] },
    );
    await rejects(
      'POST',
      '/api/users',
      { username: 'zed', password: 'zed-password-123', role: 'superuser' },
      { status: 400, mentions: ['role'] },
    );
    await rejects(
      'POST',
      '/api/users',
      { username: 'zed', password: 'short', role: 'viewer' },
      {
        status: 400,
        mentions: ['password'],
      },
    );
  });

  it('rejects bad schedules, compression and retention, naming the field', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ schedule: { type: 'cron', expression: '61 * * * *' } }, ['schedule.expression', '61 * * * *']],
      [{ schedule: { type: 'cron', expression: '0 2 * *' } }, ['schedule.expression']],
      [
        { schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Mars/Olympus' } },
        ['schedule.timezone', 'Mars/Olympus'],
      ],
      [
        { schedule: { type: 'weekly', days: ['mon'], times: ['25:00'], timezone: 'UTC' } },
        ['schedule.times[0]', '25:00'],
      ],
      [{ schedule: { type: 'weekly', days: ['funday'], times: ['01:00'] } }, ['schedule.days[0]', 'funday']],
      [{ schedule: { type: 'hourly' } }, ['schedule.type', 'hourly']],
      [{ compression: { algorithm: 'lzma' } }, ['compression.algorithm', 'lzma']],
      [{ compression: { algorithm: 'gzip', level: 10 } }, ['compression.level']],
      [{ compression: { algorithm: 'zstd', level: 0 } }, ['compression.level']],
      [{ compression: { algorithm: 'brotli', level: 12 } }, ['compression.level']],
      [{ destinations: [{ destination: 'd1', retention: { type: 'keep_last', count: -1 } }] }, ['count']],
      [{ destinations: [{ destination: 'd1', retention: { type: 'keep_last', count: 0 } }] }, ['count']],
      [{ destinations: [{ destination: 'd1', retention: { type: 'gfs', daily: -1, weekly: 4 } }] }, ['daily']],
      [{ destinations: [{ destination: 'd1', retention: { type: 'gfs' } }] }, ['retention']],
      [{ destinations: [{ destination: 'd1', retention: { type: 'forever' } }] }, ['retention.type', 'forever']],
      [{ destinations: [] }, ['destinations']],
      [{ destinations: [{ destination: 'd1' }, { destination: 'd1' }] }, ['destinations[1]', 'twice']],
      [{ timeout: '3 weeks' }, ['timeout']],
      [{ timeout: '5s' }, ['timeout']],
      [{ notifications: [{ channel: 'c1', condition: 'sometimes' }] }, ['condition']],
      [{ name: 'a/b' }, ['name']],
      [{ name: '' }, ['name']],
      [{ kind: 'monitored' }, ['feed', 'Inbox']],
      [{ kind: 'system' }, ['kind']],
    ];
    for (const [extra, mentions] of cases) {
      await rejects('POST', '/api/jobs', { ...base(), ...extra }, { status: 400, mentions });
    }
    // The same checks guard a change of an existing job, which keeps its old settings.
    await rejects(
      'PATCH',
      '/api/jobs/j1',
      { schedule: { type: 'cron', expression: '61 * * * *' } },
      { status: 400, mentions: ['schedule.expression'] },
    );
    await rejects(
      'PATCH',
      '/api/jobs/j1',
      { compression: { algorithm: 'zstd', level: 99 }, description: 'half-applied?' },
      { status: 400, mentions: ['compression.level'] },
    );
    await rejects(
      'PATCH',
      '/api/jobs/j1',
      { destinations: [{ destination: 'd1', retention: { type: 'keep_last', count: -5 } }] },
      { status: 400, mentions: ['count'] },
    );
    const now = await ok('GET', '/api/jobs/j1');
    expect(now.schedule).toEqual(job.schedule);
    expect(now.updatedAt).toBe(job.updatedAt);
  });

  it('names unknown references (404) and refuses objects of another customer', async () => {
    await rejects('POST', '/api/jobs', { ...base(), source: 'nope-src' }, { status: 404, mentions: ['nope-src'] });
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), destinations: [{ destination: 'nope-dest' }] },
      { status: 404, mentions: ['nope-dest'] },
    );
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), encryptionProfile: 'nope-key' },
      { status: 404, mentions: ['nope-key'] },
    );
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), notifications: [{ channel: 'nope-chan' }] },
      { status: 404, mentions: ['nope-chan'] },
    );
    await rejects('POST', '/api/jobs', { ...base(), customer: 'nobody' }, { status: 404, mentions: ['nobody'] });
    await rejects('PATCH', '/api/jobs/j1', { source: 'nope-src' }, { status: 404, mentions: ['nope-src'] });
    // A destination of another customer: by name it is not among this customer's...
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), destinations: [{ destination: 'd-other' }] },
      { status: 404, mentions: ['d-other'] },
    );
    // ...and by id it belongs to someone else.
    const dOther = (await ok('GET', '/api/destinations/d-other')).id;
    await rejects(
      'POST',
      '/api/jobs',
      { ...base(), destinations: [{ destinationId: dOther }] },
      { status: 400, mentions: ['d-other', 'another customer'] },
    );
    await rejects(
      'PATCH',
      '/api/jobs/j1',
      { destinations: [{ destinationId: dOther }] },
      { status: 400, mentions: ['another customer'] },
    );
    await rejects('GET', '/api/jobs/nope-job', undefined, { status: 404, mentions: ['nope-job'] });
    await rejects('POST', '/api/jobs/nope-job/run', undefined, { status: 404, mentions: ['nope-job'] });
    await rejects('GET', '/api/sources/nope-src', undefined, { status: 404, mentions: ['nope-src'] });
    await rejects('DELETE', '/api/destinations/nope-dest', undefined, { status: 404, mentions: ['nope-dest'] });
    await rejects('POST', '/api/backups/424242/restore', { source: 's1' }, { status: 404, mentions: ['424242'] });
  });

  it('answers duplicate names with 409', async () => {
    await rejects('POST', '/api/jobs', { ...base(), name: 'j1' }, { status: 409, mentions: ['j1'] });
    await rejects('PATCH', '/api/jobs/j2', { name: 'j1' }, { status: 409, mentions: ['j1'] });
    await rejects('POST', '/api/jobs/j2/duplicate', { name: 'j1' }, { status: 409, mentions: ['j1'] });
    await rejects(
      'POST',
      '/api/sources',
      { name: 's1', kind: 'sqlite', config: { path: '/tmp/x.db' } },
      { status: 409, mentions: ['s1'] },
    );
    await rejects(
      'POST',
      '/api/destinations',
      { name: 'd1', kind: 'local', config: { path: '/tmp/x' } },
      { status: 409, mentions: ['d1'] },
    );
    await rejects(
      'POST',
      '/api/notification-channels',
      { name: 'c1', kind: 'webhook', config: { url: 'http://127.0.0.1:9/' } },
      { status: 409, mentions: ['c1'] },
    );
    await rejects('POST', '/api/encryption-profiles', { name: 'p1' }, { status: 409, mentions: ['p1'] });
    await rejects('POST', '/api/customers', { name: 'Other' }, { status: 409, mentions: ['Other'] });
    await rejects('POST', '/api/customers', { name: 'other' }, { status: 409, mentions: ['other'] });
    await rejects('PATCH', `/api/customers/${other}`, { name: 'Default' }, { status: 409, mentions: ['Default'] });
    await rejects(
      'POST',
      '/api/users',
      { username: 'admin', password: 'another-password-1', role: 'viewer' },
      { status: 409, mentions: ['admin'] },
    );
    // The same name for another customer is fine.
    const d = await t.call('POST', '/api/destinations', {
      name: 'd1',
      customer: 'Other',
      kind: 'local',
      config: { path: path.join(t.dataDir, 'd1-other') },
    });
    expect(d.status).toBe(201);
    expect((await t.call('DELETE', `/api/destinations/${d.body.id}`)).status).toBe(200);
    changed();
  });

  it('rejects unknown kinds and adapter settings that are missing or wrong', async () => {
    await rejects(
      'POST',
      '/api/sources',
      { name: 'x', kind: 'oracle', config: {} },
      { status: 400, mentions: ['source.kind', 'oracle'] },
    );
    await rejects(
      'POST',
      '/api/destinations',
      { name: 'x', kind: 'tape', config: {} },
      { status: 400, mentions: ['destination.kind', 'tape'] },
    );
    await rejects(
      'POST',
      '/api/notification-channels',
      { name: 'x', kind: 'pigeon', config: {} },
      { status: 400, mentions: ['kind', 'pigeon'] },
    );
    await rejects(
      'POST',
      '/api/sources',
      { name: 'x', kind: 'postgres', config: { user: 'u', database: 'd', password: 'pw-not-in-errors' } },
      { status: 400, mentions: ['source.config.host'] },
    );
    await rejects(
      'POST',
      '/api/sources',
      { name: 'x', kind: 'postgres', config: { host: 'h', user: 'u', database: 'd', port: 70000 } },
      { status: 400, mentions: ['source.config.port'] },
    );
    await rejects(
      'POST',
      '/api/notification-channels',
      { name: 'x', kind: 'webhook', config: { url: 'ftp://example.com/' } },
      { status: 400, mentions: ['url'] },
    );
    await rejects(
      'POST',
      '/api/sources',
      { name: 'x', config: { path: '/tmp/x.db' } },
      { status: 400, mentions: ['kind'] },
    );
    await rejects('PATCH', '/api/sources/s1', { kind: 'postgres' }, { status: 400, mentions: ['kind'] });
    await rejects(
      'POST',
      '/api/encryption-profiles',
      { name: 'x', key: 'not-a-key' },
      { status: 400, mentions: ['key'] },
    );
    // An error never repeats a secret it was given.
    const message = await rejects(
      'POST',
      '/api/sources',
      {
        name: 'x',
        kind: 'postgres',
        config: { host: 'h', user: 'u', database: 'd', port: 'x', password: 'pw-secret-9' },
      },
      { status: 400, mentions: ['port'] },
    );
    expect(message).not.toContain('pw-secret-9');
  });

  it('rejects ids that are not positive integers, and bad query parameters', async () => {
    for (const [m, u] of [
      ['GET', '/api/runs/abc'],
      ['GET', '/api/runs/1.5'],
      ['GET', '/api/runs/-3'],
      ['GET', '/api/runs/0'],
      ['POST', '/api/runs/abc/cancel'],
      ['GET', '/api/runs/abc/logs'],
      ['GET', '/api/runs/abc/events'],
      ['GET', '/api/backups/abc'],
      ['DELETE', '/api/backups/1e3'],
      ['GET', '/api/backups/0x10'],
      ['GET', '/api/backups/99999999999999999999'],
      ['POST', '/api/backups/abc/pin'],
      ['POST', '/api/backups/abc/verify'],
      ['GET', '/api/backups/abc/download'],
      ['PATCH', '/api/customers/abc'],
      ['DELETE', '/api/auth/tokens/abc'],
    ] as const) {
      const body = m === 'PATCH' ? { name: 'x' } : undefined;
      await rejects(m, u, body, { status: 400, mentions: ['id', 'positive integer'] });
    }
    for (const [u, field] of [
      ['/api/runs?jobId=abc', 'jobId'],
      ['/api/runs?pageSize=100000', 'pageSize'],
      ['/api/runs?from=notadate', 'from'],
      ['/api/runs?status=bogus', 'status'],
      ['/api/audit?limit=0', 'limit'],
      ['/api/jobs?archived=maybe', 'archived'],
      ['/api/jobs?customerId=x', 'customerId'],
      ['/api/backups?destinationId=x', 'destinationId'],
      ['/api/runs/1/logs?after=-1', 'after'],
    ] as const) {
      await rejects('GET', u, undefined, { status: 400, mentions: [field] });
    }
  });

  it('rejects bad YAML documents as a whole, naming the line or the entry', async () => {
    const apply = (yaml: string, mentions: string[]) =>
      rejects('POST', '/api/config/apply', { yaml: yaml.slice(0, 40) }, { status: 400, mentions }, () =>
        t.call('POST', '/api/config/apply', { yaml }),
      );
    await apply('apiVersion: keepwatch/v1\nsources:\n  - name: a\n    type: sqlite\n   config: x\n', ['line 5']);
    await apply('apiVersion: keepwatch/v1\njobs: [\n', ['line']);
    await apply('apiVersion: keepwatch/v1\nwidgets: []\n', ['widgets']);
    await apply('apiVersion: keepwatch/v2\n', ['apiVersion']);
    await apply('- just\n- a list\n', ['mapping']);
    await apply('', ['empty']);
    // Valid entries before the bad one are not created either.
    await apply(
      [
        'apiVersion: keepwatch/v1',
        'sources:',
        '  - name: new-src',
        '    type: sqlite',
        '    config: { path: /tmp/new.db }',
        'jobs:',
        '  - name: new-job',
        '    source: new-src',
        '    destinations:',
        '      - destination: nas',
      ].join('\n'),
      ['jobs[0]', 'new-job', 'nas'],
    );
    await apply(
      [
        'sources:',
        '  - name: new-src',
        '    type: sqlite',
        '    config: { path: /tmp/new.db }',
        '  - name: new-pg',
        '    type: postgres',
        '    config: { user: u, database: d }',
      ].join('\n'),
      ['sources[1]', 'host'],
    );
    await apply(
      [
        'jobs:',
        '  - name: new-job',
        '    source: s1',
        '    destinations: [{ destination: d1 }]',
        '    schedule: { type: cron, expression: "61 * * * *" }',
      ].join('\n'),
      ['jobs[0]', 'schedule.expression'],
    );
    await apply(
      ['sources:', '  - name: y', '    type: sqlite', '    colour: red', '    config: { path: /tmp/y.db }'].join('\n'),
      ['colour'],
    );
    await apply(['sources:', '  - name: y', '    type: sqlite', '    config: { path: "${env:DB_PATH}" }'].join('\n'), [
      '${env:DB_PATH}',
    ]);
  });
});
