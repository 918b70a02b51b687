import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** A parsed JSON answer: tests read into it freely and let the assertions judge. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Tenancy (SPEC §10): every object of customer A is invisible (404) and unchangeable for a user
 * of customer B, read-only for a viewer of A, and usable within the role for an operator of A;
 * lists are scoped; admin-only actions stay admin-only; secrets never leave the server.
 *
 *   alice   operator on A        bob   viewer on A
 *   charlie operator on B        dave  admin scoped to A ("customer admin")
 */

const PG_PASSWORD = 'S3cret-Pa55word!';
const PG_PASSWORD_2 = 'N3w-S3cret-Pa55!';
const HEADER_SECRET = 'hdr-S3cret-Value-987';
const AUTH_SECRET = 'tok-S3cret-456';
const SMTP_PASSWORD = 'smtp-S3cret-Pass-321';
const IMPORTED_KEY = randomBytes(32).toString('hex');
const pgConfig = { host: '127.0.0.1', port: 9, user: 'app', database: 'app' };
const SECRETS = [PG_PASSWORD, PG_PASSWORD_2, HEADER_SECRET, AUTH_SECRET, SMTP_PASSWORD, IMPORTED_KEY];

type Access = 'read' | 'change';
interface Probe {
  what: string;
  method: string;
  url: string;
  body?: unknown;
  access: Access;
}

describe('API tenancy and secrets (sqlite)', () => {
  let t: TestApp;
  const tok: Record<'alice' | 'bob' | 'charlie' | 'dave', string> = { alice: '', bob: '', charlie: '', dave: '' };
  const A = {} as {
    customer: number;
    source: number;
    pgSource: number;
    destination: number;
    channel: number;
    smtpChannel: number;
    profile: number;
    importedProfile: number;
    job: number;
    run: number;
    backup: number;
    override: number;
    remark: number;
    ticket: number;
    mail: number;
  };
  const B = {} as { customer: number; source: number; destination: number; job: number };

  const ok = async (method: string, url: string, body?: unknown, token?: string) => {
    const res = await t.call(method, url, body, token);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  /** Everything of A that an admin sees, for "nothing changed" comparisons. */
  const snapshotOfA = async () => {
    const out: Record<string, unknown> = {};
    out.customers = await ok('GET', '/api/customers');
    for (const [k, url] of [
      ['source', `/api/sources/${A.source}`],
      ['pgSource', `/api/sources/${A.pgSource}`],
      ['destination', `/api/destinations/${A.destination}`],
      ['channel', `/api/notification-channels/${A.channel}`],
      ['profile', `/api/encryption-profiles/${A.profile}`],
      ['job', `/api/jobs/${A.job}`],
      ['jobs', `/api/jobs?customerId=${A.customer}`],
      ['runs', `/api/runs`],
      ['run', `/api/runs/${A.run}`],
      ['backup', `/api/backups/${A.backup}`],
      ['backups', `/api/backups`],
    ] as const)
      out[k] = await ok('GET', url);
    return out;
  };

  /** Every route that addresses one object of A, with the access it needs. */
  const probesOfA = (): Probe[] => {
    const r = (what: string, method: string, url: string, access: Access, body?: unknown): Probe => ({
      what,
      method,
      url,
      access,
      ...(body !== undefined ? { body } : {}),
    });
    return [
      r('customer', 'PATCH', `/api/customers/${A.customer}`, 'change', { name: 'Taken Over' }),
      r('source', 'GET', `/api/sources/${A.source}`, 'read'),
      r('source by name', 'GET', `/api/sources/a-sqlite`, 'read'),
      r('source', 'PATCH', `/api/sources/${A.source}`, 'change', { name: 'renamed' }),
      r('source', 'PATCH', `/api/sources/${A.pgSource}`, 'change', { config: { host: 'evil.example' } }),
      r('source', 'DELETE', `/api/sources/${A.pgSource}`, 'change'),
      r('source', 'POST', `/api/sources/${A.source}/test`, 'change'),
      r('destination', 'GET', `/api/destinations/${A.destination}`, 'read'),
      r('destination', 'PATCH', `/api/destinations/${A.destination}`, 'change', { name: 'renamed' }),
      r('destination', 'DELETE', `/api/destinations/${A.destination}`, 'change'),
      r('channel', 'GET', `/api/notification-channels/${A.channel}`, 'read'),
      r('channel', 'PATCH', `/api/notification-channels/${A.channel}`, 'change', { name: 'renamed' }),
      r('channel', 'DELETE', `/api/notification-channels/${A.smtpChannel}`, 'change'),
      r('channel', 'POST', `/api/notification-channels/${A.channel}/test`, 'change'),
      r('profile', 'GET', `/api/encryption-profiles/${A.profile}`, 'read'),
      r('profile', 'DELETE', `/api/encryption-profiles/${A.importedProfile}`, 'change'),
      r('profile', 'POST', `/api/encryption-profiles/${A.profile}/export`, 'change'),
      r('job', 'GET', `/api/jobs/${A.job}`, 'read'),
      r('job by slug/name', 'GET', `/api/jobs/acme%2Fnightly`, 'read'),
      r('job', 'PATCH', `/api/jobs/${A.job}`, 'change', { description: 'changed' }),
      r('job', 'DELETE', `/api/jobs/${A.job}`, 'change'),
      r('job', 'POST', `/api/jobs/${A.job}/run`, 'change'),
      r('job', 'POST', `/api/jobs/${A.job}/duplicate`, 'change', { name: 'copy' }),
      r('job', 'POST', `/api/jobs/${A.job}/disable`, 'change'),
      r('job', 'POST', `/api/jobs/${A.job}/enable`, 'change'),
      r('job', 'POST', `/api/jobs/${A.job}/archive`, 'change'),
      r('job', 'POST', `/api/jobs/${A.job}/unarchive`, 'change'),
      r('job', 'GET', `/api/jobs/${A.job}/events`, 'read'),
      r('job', 'GET', `/api/jobs/${A.job}/runs`, 'read'),
      r('job', 'POST', `/api/jobs/${A.job}/retention-preview`, 'read', {}),
      r('run', 'GET', `/api/runs/${A.run}`, 'read'),
      r('run', 'POST', `/api/runs/${A.run}/cancel`, 'change'),
      r('run', 'GET', `/api/runs/${A.run}/logs`, 'read'),
      r('run', 'GET', `/api/runs/${A.run}/events`, 'read'),
      r('backup', 'GET', `/api/backups/${A.backup}`, 'read'),
      r('backup', 'DELETE', `/api/backups/${A.backup}`, 'change'),
      r('backup', 'POST', `/api/backups/${A.backup}/pin`, 'change'),
      r('backup', 'POST', `/api/backups/${A.backup}/unpin`, 'change'),
      r('backup', 'POST', `/api/backups/${A.backup}/verify`, 'change'),
      r('backup', 'POST', `/api/backups/${A.backup}/restore`, 'change', { source: A.source }),
      r('backup', 'GET', `/api/backups/${A.backup}/download?raw=true`, 'read'),
      r('backup', 'GET', `/api/backups/${A.backup}/download`, 'change'),
      // Run Checks is for admins and operators: viewers are refused even what only reads.
      r('run checks', 'GET', `/api/run-checks/jobs/${A.job}`, 'change'),
      r('run', 'GET', `/api/runs/${A.run}/override-draft`, 'change'),
      r('run', 'POST', `/api/runs/${A.run}/mark-success`, 'change', {}),
      r('run', 'POST', `/api/runs/${A.run}/unreview`, 'change'),
      r('override', 'GET', `/api/overrides/${A.override}`, 'read'),
      r('override', 'PATCH', `/api/overrides/${A.override}`, 'change', { comment: 'changed' }),
      r('override', 'DELETE', `/api/overrides/${A.override}`, 'change'),
      r('remark', 'GET', `/api/remarks/${A.remark}`, 'read'),
      r('remark', 'PATCH', `/api/remarks/${A.remark}`, 'change', { text: 'changed' }),
      r('remark', 'DELETE', `/api/remarks/${A.remark}`, 'change'),
      r('mail', 'GET', `/api/mail/${A.mail}`, 'read'),
      r('mail', 'GET', `/api/mail/${A.mail}/eml`, 'read'),
      r('mail', 'POST', `/api/inbox/${A.mail}/approve`, 'change', { customerId: A.customer }),
      r('mail', 'DELETE', `/api/inbox/${A.mail}`, 'change'),
      r('mail', 'POST', `/api/inbox/${A.mail}/restore`, 'change'),
      r('ticket', 'GET', `/api/tickets/${A.ticket}`, 'read'),
      r('ticket', 'PATCH', `/api/tickets/${A.ticket}`, 'change', { code: 'changed' }),
      r('ticket', 'DELETE', `/api/tickets/${A.ticket}`, 'change'),
    ];
  };

  beforeAll(async () => {
    t = await startTestApp('sqlite', { KEEPWATCH_SCHEDULER: 'false' });
    A.customer = (await ok('POST', '/api/customers', { name: 'Acme' })).id;
    B.customer = (await ok('POST', '/api/customers', { name: 'Beta' })).id;
    tok.alice = await t.userToken('alice', 'operator', { customerIds: [A.customer] });
    tok.bob = await t.userToken('bob', 'viewer', { customerIds: [A.customer] });
    tok.charlie = await t.userToken('charlie', 'operator', { customerIds: [B.customer] });
    tok.dave = await t.userToken('dave', 'admin', { customerIds: [A.customer] });

    const aDb = path.join(t.dataDir, 'acme.db');
    execFileSync('sqlite3', [aDb, "create table t(a int, b text); insert into t values (1,'acme');"]);
    const c = { customer: 'Acme' };
    A.source = (await ok('POST', '/api/sources', { ...c, name: 'a-sqlite', kind: 'sqlite', config: { path: aDb } })).id;
    A.pgSource = (
      await ok('POST', '/api/sources', {
        ...c,
        name: 'a-postgres',
        kind: 'postgres',
        // Nothing listens on port 9: "test connection" fails fast, without a server.
        config: { ...pgConfig, password: PG_PASSWORD },
      })
    ).id;
    A.destination = (
      await ok('POST', '/api/destinations', {
        ...c,
        name: 'a-local',
        kind: 'local',
        config: { path: path.join(t.dataDir, 'acme-backups') },
      })
    ).id;
    A.channel = (
      await ok('POST', '/api/notification-channels', {
        ...c,
        name: 'a-hook',
        kind: 'webhook',
        config: {
          url: 'http://127.0.0.1:9/hook',
          headers: { 'X-Api-Key': HEADER_SECRET, Authorization: `Bearer ${AUTH_SECRET}` },
          timeoutMs: 2000,
        },
      })
    ).id;
    A.smtpChannel = (
      await ok('POST', '/api/notification-channels', {
        ...c,
        name: 'a-mail',
        kind: 'smtp',
        config: {
          host: '127.0.0.1',
          port: 9,
          user: 'mailer',
          password: SMTP_PASSWORD,
          from: 'kw@acme.example',
          to: ['ops@acme.example'],
        },
      })
    ).id;
    A.profile = (await ok('POST', '/api/encryption-profiles', { ...c, name: 'a-key' })).id;
    A.importedProfile = (
      await ok('POST', '/api/encryption-profiles', { ...c, name: 'a-old-key', key: IMPORTED_KEY })
    ).id;
    const job = await ok('POST', '/api/jobs', {
      ...c,
      name: 'nightly',
      source: 'a-sqlite',
      destinations: [{ destination: 'a-local', retention: { type: 'keep_last', count: 5 } }],
      compression: { algorithm: 'gzip', level: 6 },
      encryptionProfile: 'a-key',
      notifications: [{ channel: 'a-hook', condition: 'failure' }],
    });
    A.job = job.id;
    const run = await ok('POST', `/api/jobs/${A.job}/run`);
    const done = await t.waitForRun(run.id);
    expect(done.status).toBe('success');
    A.run = run.id;
    A.backup = done.backupIds[0];
    expect(A.backup).toBeGreaterThan(0);
    A.override = (await ok('POST', '/api/overrides', { jobId: A.job, statuses: ['failed'] })).id;
    A.remark = (await ok('POST', '/api/remarks', { jobId: A.job, text: 'note' })).id;
    A.ticket = (await ok('POST', '/api/tickets', { code: 'T-1', scopes: [{ kind: 'job', jobId: A.job }] })).id;
    // A report e-mail approved for A: it and its monitored job are A's from then on.
    const eml = [
      'From: NAS <backup@acme.test>',
      'To: reports@keepwatch.test',
      'Subject: [Failed] Acme file sync',
      'Date: Sat, 21 Nov 2026 02:00:00 +0000',
      'Message-ID: <acme-1@acme.test>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The file sync of Acme failed: disk full.',
      '',
    ].join('\r\n');
    const imported = await ok('POST', '/api/mail/import', {
      files: [{ name: 'acme.eml', content: Buffer.from(eml).toString('base64') }],
    });
    A.mail = imported.results[0].mailId;
    await ok('POST', `/api/inbox/${A.mail}/approve`, { customerId: A.customer });

    // Customer B's things are made by charlie himself: an operator works within his customer.
    const bDb = path.join(t.dataDir, 'beta.db');
    execFileSync('sqlite3', [bDb, 'create table t(a int); insert into t values (2);']);
    B.source = (
      await ok('POST', '/api/sources', { name: 'b-sqlite', kind: 'sqlite', config: { path: bDb } }, tok.charlie)
    ).id;
    B.destination = (
      await ok(
        'POST',
        '/api/destinations',
        { name: 'b-local', kind: 'local', config: { path: path.join(t.dataDir, 'beta-backups') } },
        tok.charlie,
      )
    ).id;
    // Same job name as A's: names only need to be unique per customer.
    B.job = (
      await ok(
        'POST',
        '/api/jobs',
        { name: 'nightly', source: 'b-sqlite', destinations: [{ destination: 'b-local' }] },
        tok.charlie,
      )
    ).id;
    expect((await ok('GET', `/api/sources/${B.source}`)).customerId).toBe(B.customer);
  });
  afterAll(async () => t?.close());

  it('probes every route that addresses an object', async () => {
    const doc = (await ok('GET', '/api/openapi.json')) as { paths: Record<string, Record<string, unknown>> };
    const pattern = (p: string) => p.replace(/\{\w+\}/g, '{}');
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      /\{\w+\}/.test(p) ? Object.keys(ops).map((m) => `${m.toUpperCase()} ${pattern(p)}`) : [],
    );
    const probed = new Set(
      probesOfA().map(
        (p) => `${p.method} ${p.url.split('?')[0]!.replace(/\/(\d+|a-sqlite|acme%2Fnightly)(?=\/|$)/g, '/{}')}`,
      ),
    );
    // API tokens belong to a user, not a customer (api-auth covers them).
    const exempt = new Set(['DELETE /api/auth/tokens/{}']);
    // Mail importers are installation-wide (no customer; api-mail-importers covers who may use
    // them) and /ping/<token> answers to its token, not to a user (api-heartbeats).
    for (const m of ['GET', 'PATCH', 'DELETE']) exempt.add(`${m} /api/mail-importers/{}`);
    for (const a of ['import', 'test']) exempt.add(`POST /api/mail-importers/{}/${a}`);
    for (const m of ['GET', 'POST']) for (const s of ['', '/start', '/fail']) exempt.add(`${m} /ping/{}${s}`);
    expect(documented.length).toBeGreaterThan(35);
    expect(documented.filter((r) => !probed.has(r) && !exempt.has(r))).toEqual([]);
  });

  it('hides every object of A from charlie (404 on read, change and action) and changes nothing', async () => {
    const before = await snapshotOfA();
    const failures: string[] = [];
    for (const p of probesOfA()) {
      const res = await t.call(p.method, p.url, p.body, tok.charlie);
      if (res.status !== 404) failures.push(`${p.method} ${p.url} → ${res.status} ${JSON.stringify(res.body)}`);
      else if (JSON.stringify(res.body).includes('Acme')) failures.push(`${p.method} ${p.url} names customer A`);
    }
    expect(failures).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
    // Charlie's own job of the same name is what "nightly" means to him.
    expect((await t.call('GET', '/api/jobs/nightly', undefined, tok.charlie)).body.id).toBe(B.job);
    // Filters naming A's objects or customer do not open a window either.
    for (const url of [
      `/api/jobs?customerId=${A.customer}`,
      `/api/sources?customerId=${A.customer}`,
      `/api/destinations?customerId=${A.customer}`,
      `/api/notification-channels?customerId=${A.customer}`,
      `/api/runs?jobId=${A.job}`,
      `/api/backups?jobId=${A.job}`,
      `/api/backups?job=acme%2Fnightly`,
      `/api/backups?destinationId=${A.destination}`,
    ]) {
      const res = await t.call('GET', url, undefined, tok.charlie);
      expect([200, 404], url).toContain(res.status);
      if (res.status === 200) expect(res.body.items, url).toEqual([]);
    }
  });

  it('does not let charlie create objects for A, nor use A objects in his own', async () => {
    const before = await snapshotOfA();
    const counts = async () =>
      Promise.all(
        ['/api/sources', '/api/destinations', '/api/jobs', '/api/encryption-profiles'].map(
          async (u) => (await ok('GET', u)).items.length as number,
        ),
      );
    const countsBefore = await counts();
    const c = tok.charlie;
    const tries: [string, string, unknown][] = [
      ['POST', '/api/sources', { customer: 'Acme', name: 'x', kind: 'sqlite', config: { path: '/tmp/x.db' } }],
      ['POST', '/api/sources', { customerId: A.customer, name: 'x', kind: 'sqlite', config: { path: '/tmp/x.db' } }],
      ['POST', '/api/destinations', { customer: 'acme', name: 'x', kind: 'local', config: { path: '/tmp/x' } }],
      ['POST', '/api/encryption-profiles', { customerId: A.customer, name: 'x' }],
      [
        'POST',
        '/api/jobs',
        { customer: 'Acme', name: 'x', source: A.source, destinations: [{ destination: A.destination }] },
      ],
      // His own job with A's source, destination, profile or channel (by id and by name).
      ['POST', '/api/jobs', { name: 'x1', source: A.source, destinations: [{ destination: 'b-local' }] }],
      ['POST', '/api/jobs', { name: 'x2', source: 'a-sqlite', destinations: [{ destination: 'b-local' }] }],
      ['POST', '/api/jobs', { name: 'x3', source: 'b-sqlite', destinations: [{ destinationId: A.destination }] }],
      [
        'POST',
        '/api/jobs',
        { name: 'x4', source: 'b-sqlite', destinations: [{ destination: 'b-local' }], encryptionProfile: A.profile },
      ],
      [
        'POST',
        '/api/jobs',
        {
          name: 'x5',
          source: 'b-sqlite',
          destinations: [{ destination: 'b-local' }],
          notifications: [{ channel: A.channel }],
        },
      ],
      ['PATCH', `/api/jobs/${B.job}`, { source: A.source }],
      ['PATCH', `/api/jobs/${B.job}`, { destinations: [{ destination: A.destination }] }],
      // Configuration as code naming A.
      [
        'POST',
        '/api/config/apply',
        {
          yaml: 'apiVersion: keepwatch/v1\nsources:\n  - name: y\n    customer: Acme\n    type: sqlite\n    config: { path: /tmp/y.db }\n',
        },
      ],
    ];
    const failures: string[] = [];
    for (const [m, u, body] of tries) {
      const res = await t.call(m, u, body, c);
      if (res.status < 400 || res.status === 500) failures.push(`${m} ${u} ${JSON.stringify(body)} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect(await counts()).toEqual(countsBefore);
    expect(await snapshotOfA()).toEqual(before);
    expect((await ok('GET', `/api/jobs/${B.job}`)).source.id).toBe(B.source);
  });

  it('lets bob (viewer of A) read everything of A but change nothing', async () => {
    const before = await snapshotOfA();
    const failures: string[] = [];
    for (const p of probesOfA()) {
      const res = await t.call(p.method, p.url, p.body, tok.bob);
      const want = p.access === 'read' ? 200 : 403;
      if (res.status !== want) failures.push(`${p.method} ${p.url} → ${res.status} (want ${want})`);
    }
    for (const [m, u, body] of [
      ['POST', '/api/sources', { name: 'x', kind: 'sqlite', config: { path: '/tmp/x.db' } }],
      ['POST', '/api/destinations', { name: 'x', kind: 'local', config: { path: '/tmp/x' } }],
      ['POST', '/api/notification-channels', { name: 'x', kind: 'webhook', config: { url: 'http://127.0.0.1:9/' } }],
      ['POST', '/api/encryption-profiles', { name: 'x' }],
      ['POST', '/api/jobs', { name: 'x', source: 'a-sqlite', destinations: [{ destination: 'a-local' }] }],
      ['POST', '/api/customers', { name: 'Bobs Own' }],
      [
        'POST',
        '/api/config/apply',
        { yaml: 'apiVersion: keepwatch/v1\ncustomers:\n  - name: Acme\n    timezone: UTC\n' },
      ],
      ['POST', '/api/auth/tokens', { name: 'up', role: 'operator' }],
    ] as [string, string, unknown][]) {
      const res = await t.call(m, u, body, tok.bob);
      if (res.status !== 403) failures.push(`${m} ${u} → ${res.status} (want 403)`);
    }
    expect(failures).toEqual([]);
    expect(await snapshotOfA()).toEqual(before);
    // Nothing of A was changed in their name (a download is audited, but changes nothing).
    const audit = await ok('GET', '/api/audit?limit=1000');
    const changesOfA = audit.items.filter(
      (e: { actor: string; customerId: number; action: string }) =>
        ['bob', 'charlie'].includes(e.actor) && e.customerId === A.customer && !e.action.startsWith('download'),
    );
    expect(changesOfA).toEqual([]);
    expect(
      audit.items.some((e: { actor: string; action: string }) => e.actor === 'bob' && e.action === 'download_raw'),
    ).toBe(true);
  });

  it('lets alice (operator of A) do her job, but not admin things', async () => {
    const a = tok.alice;
    expect((await t.call('PATCH', `/api/jobs/${A.job}`, { description: 'by alice' }, a)).body.description).toBe(
      'by alice',
    );
    expect((await t.call('POST', `/api/jobs/${A.job}/disable`, undefined, a)).body.enabled).toBe(false);
    expect((await t.call('POST', `/api/jobs/${A.job}/enable`, undefined, a)).body.enabled).toBe(true);
    expect((await t.call('POST', `/api/backups/${A.backup}/pin`, undefined, a)).body.pinned).toBe(true);
    expect((await t.call('POST', `/api/backups/${A.backup}/unpin`, undefined, a)).body.pinned).toBe(false);
    expect((await t.call('POST', `/api/sources/${A.source}/test`, undefined, a)).body.ok).toBe(true);
    expect((await t.call('PATCH', `/api/customers/${A.customer}`, { timezone: 'Europe/Berlin' }, a)).status).toBe(200);
    const own = await t.call(
      'POST',
      '/api/sources',
      { name: 'alices', kind: 'sqlite', config: { path: '/tmp/alice.db' } },
      a,
    );
    expect(own.status).toBe(201);
    expect(own.body.customerId).toBe(A.customer);
    expect((await t.call('DELETE', `/api/sources/${own.body.id}`, undefined, a)).status).toBe(200);
    const verify = await t.call('POST', `/api/backups/${A.backup}/verify`, undefined, a);
    expect(verify.status).toBe(201);
    expect((await t.waitForRun(verify.body.id)).status).toBe('success');
    const run = await t.call('POST', `/api/jobs/${A.job}/run`, undefined, a);
    expect(run.status).toBe(201);
    expect((await t.waitForRun(run.body.id)).status).toBe('success');

    const before = await snapshotOfA();
    const denied: [string, string, unknown?][] = [
      ['POST', `/api/encryption-profiles/${A.profile}/export`],
      ['DELETE', `/api/encryption-profiles/${A.importedProfile}`],
      ['DELETE', `/api/backups/${A.backup}`],
      ['PATCH', '/api/settings', { maxConcurrentRuns: 4 }],
      ['GET', '/api/users'],
      [
        'POST',
        '/api/users',
        { username: 'mallory', password: 'mallory-password-1', role: 'admin', allCustomers: true },
      ],
      ['GET', '/api/audit'],
      ['POST', '/api/customers', { name: 'Alices Own' }],
      ['POST', '/api/auth/tokens', { name: 'up', role: 'admin' }],
    ];
    for (const [m, u, body] of denied) {
      const res = await t.call(m, u, body, a);
      expect(res.status, `${m} ${u}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    // Restoring into another customer's database: that source does not exist for her.
    expect((await t.call('POST', `/api/backups/${A.backup}/restore`, { source: B.source }, a)).status).toBe(404);
    expect(await snapshotOfA()).toEqual(before);
    expect((await ok('GET', '/api/settings')).maxConcurrentRuns).toBe(1);
    expect((await ok('GET', '/api/users')).items.map((u: { username: string }) => u.username)).not.toContain('mallory');
    // ... while the admin can export the key, and that is audited.
    const kit = await t.call('POST', `/api/encryption-profiles/${A.profile}/export`);
    expect(kit.status).toBe(200);
    expect(kit.body.kit.length).toBeGreaterThan(40);
    const audit = await ok('GET', '/api/audit');
    expect(audit.items.some((e: { action: string; entityId: string }) => e.action === 'export_key')).toBe(true);
  });

  it('keeps a customer admin (dave, admin of A) within A and away from instance-wide things', async () => {
    const d = tok.dave;
    expect((await t.call('POST', `/api/encryption-profiles/${A.profile}/export`, undefined, d)).status).toBe(200);
    expect((await t.call('GET', `/api/jobs/${B.job}`, undefined, d)).status).toBe(404);
    expect((await t.call('GET', '/api/users', undefined, d)).status).toBe(403);
    const mk = await t.call(
      'POST',
      '/api/users',
      { username: 'mallory', password: 'mallory-password-1', role: 'admin', allCustomers: true },
      d,
    );
    expect(mk.status).toBe(403);
    expect((await t.call('PATCH', '/api/settings', { maxConcurrentRuns: 4 }, d)).status).toBe(403);
    expect((await ok('GET', '/api/settings')).maxConcurrentRuns).toBe(1);
    const audit = await t.call('GET', '/api/audit?limit=1000', undefined, d);
    expect(audit.status).toBe(200);
    expect(audit.body.items.length).toBeGreaterThan(0);
    expect(audit.body.items.every((e: { customerId: number }) => e.customerId === A.customer)).toBe(true);
  });

  it('scopes every list to the caller’s customers', async () => {
    const lists: [string, (item: Json) => number][] = [
      ['/api/customers', (i) => i.id],
      ['/api/sources', (i) => i.customerId],
      ['/api/destinations', (i) => i.customerId],
      ['/api/notification-channels', (i) => i.customerId],
      ['/api/encryption-profiles', (i) => i.customerId],
      ['/api/jobs', (i) => i.customer.id],
      ['/api/runs', (i) => i.customerId],
      ['/api/backups', (i) => i.customerId],
    ];
    for (const [url, owner] of lists) {
      const all = (await ok('GET', url)).items as Json[];
      const owners = new Set(all.map(owner));
      expect(owners.has(A.customer), url).toBe(true);
      const ofA = all.filter((i) => owner(i) === A.customer).map((i) => i.id);
      const ofB = all.filter((i) => owner(i) === B.customer).map((i) => i.id);
      for (const [user, want] of [
        ['alice', ofA],
        ['bob', ofA],
        ['dave', ofA],
        ['charlie', ofB],
      ] as const) {
        const res = await t.call('GET', url, undefined, tok[user]);
        expect(res.status, `${user} ${url}`).toBe(200);
        expect(res.body.items.map((i: { id: number }) => i.id).sort(), `${user} ${url}`).toEqual([...want].sort());
        if (typeof res.body.total === 'number') expect(res.body.total, `${user} ${url} total`).toBe(want.length);
      }
    }
    // The configuration export is scoped the same way.
    const charlieExport = (await t.call('GET', '/api/config/export', undefined, tok.charlie)).body.yaml as string;
    expect(charlieExport).toContain('b-sqlite');
    for (const name of ['Acme', 'a-sqlite', 'a-postgres', 'a-local', 'a-hook', 'a-key'])
      expect(charlieExport).not.toContain(name);
    const aliceExport = (await t.call('GET', '/api/config/export', undefined, tok.alice)).body.yaml as string;
    expect(aliceExport).toContain('a-sqlite');
    expect(aliceExport).not.toContain('b-sqlite');
  });

  it('never returns a secret: not in any GET answer, action answer, error, the audit log or the export', async () => {
    // Change a secret and fail a change that carries one, so both paths reach the audit log.
    expect(
      (await t.call('PATCH', `/api/sources/${A.pgSource}`, { config: { ...pgConfig, password: PG_PASSWORD_2 } }))
        .status,
    ).toBe(200);
    const bad = await t.call('PATCH', `/api/sources/${A.pgSource}`, { config: { port: 'x', password: PG_PASSWORD } });
    expect(bad.status).toBe(400);
    const answers: { what: string; body: string }[] = [{ what: 'bad patch', body: JSON.stringify(bad.body) }];
    for (const [m, u] of [
      ['POST', `/api/sources/${A.pgSource}/test`],
      ['POST', `/api/notification-channels/${A.channel}/test`],
      ['POST', `/api/notification-channels/${A.smtpChannel}/test`],
      ['PATCH', `/api/sources/${A.pgSource}`],
      ['PATCH', `/api/notification-channels/${A.channel}`],
    ] as const) {
      // A PATCH without the secret keeps it (and answers the object, without it).
      const config = u.includes('sources') ? pgConfig : { url: 'http://127.0.0.1:9/hook2' };
      const res = await t.call(m, u, m === 'PATCH' ? { config } : undefined);
      expect(res.status, `${m} ${u}`).toBeLessThan(300);
      answers.push({ what: `${m} ${u}`, body: JSON.stringify(res.body) });
    }
    const created = await t.call('POST', '/api/notification-channels', {
      customer: 'Acme',
      name: 'a-hook-2',
      kind: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook', headers: { 'X-Api-Key': HEADER_SECRET } },
    });
    expect(created.status).toBe(201);
    expect(created.body.hasSecret).toEqual({ headers: true });
    answers.push({ what: 'create channel', body: JSON.stringify(created.body) });

    // Every GET route of the API, with every id we made (and names where a route takes one).
    const doc = (await ok('GET', '/api/openapi.json')) as { paths: Record<string, Record<string, unknown>> };
    const ids = [...new Set([...Object.values(A), ...Object.values(B), created.body.id as number])];
    const refs = [...ids.map(String), 'nightly', 'acme/nightly', 'a-postgres', 'a-hook'];
    let fetched = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      if (!ops.get) continue;
      const urls = /\{\w+\}/.test(p) ? refs.map((r) => p.replace(/\{\w+\}/g, encodeURIComponent(r))) : [p];
      for (const url of urls) {
        const res = await t.call('GET', url);
        if (res.status === 200) fetched++;
        answers.push({ what: `GET ${url}`, body: typeof res.body === 'string' ? res.body : JSON.stringify(res.body) });
      }
    }
    expect(fetched).toBeGreaterThan(40);
    const audit = await ok('GET', '/api/audit?limit=1000');
    expect(
      audit.items.some((e: { entity: string; action: string }) => e.entity === 'source' && e.action === 'update'),
    ).toBe(true);
    const exported = (await ok('GET', '/api/config/export')).yaml as string;
    expect(exported).toContain('a-postgres');
    expect(exported).toContain('a-hook');

    const leaks: string[] = [];
    for (const { what, body } of answers)
      for (const s of SECRETS) if (body.includes(s)) leaks.push(`${what} contains ${s}`);
    for (const s of SECRETS) {
      if (JSON.stringify(audit).includes(s)) leaks.push(`audit log contains ${s}`);
      if (exported.includes(s)) leaks.push(`export contains ${s}`);
    }
    expect(leaks).toEqual([]);
    // The secrets are stored, though: the answers say so without saying what they are.
    const pg = await ok('GET', `/api/sources/${A.pgSource}`);
    expect(pg.hasSecret).toEqual({ password: true });
    expect(pg.config.password).toBeUndefined();
    const hook = await ok('GET', `/api/notification-channels/${A.channel}`);
    expect(hook.hasSecret).toEqual({ headers: true });
    expect(hook.config.headers).toBeUndefined();
  });
});
