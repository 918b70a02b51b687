import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createRepositories, type Repositories } from '../../src/db/repositories/repositories.js';
import type { CustomerRow, JobRow, NewRun } from '../../src/db/schema.js';
import { isUniqueViolation } from '../../src/services/run.service.js';
import { createPgDatabase } from '../helpers/databases.js';
import { DIALECTS } from '../helpers/test-app.js';

const ALL_MIGRATIONS = ['0001-initial', '0002-monitoring-review', '0003-review-index'];

const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
const BIG = 2 ** 40 + 7; // beyond int4, well within a double

describe.each(DIALECTS)('repositories (%s)', (dialect) => {
  let db: Db;
  let repos: Repositories;
  let dir: string;
  let url: string | undefined;
  let dropPg: (() => Promise<void>) | undefined;
  let seq = 0;
  const unique = (p: string) => `${p}-${++seq}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'kw-repo-'));
    if (dialect === 'postgres') {
      const pg = await createPgDatabase();
      url = pg.url;
      dropPg = pg.drop;
    }
    db = openDatabase({ url, dataDir: dir });
    expect(db.dialect).toBe(dialect);
    expect(await migrateToLatest(db)).toEqual(ALL_MIGRATIONS);
    repos = createRepositories(db);
  });

  afterAll(async () => {
    await db?.close();
    await dropPg?.();
    await rm(dir, { recursive: true, force: true });
  });

  async function customer(): Promise<CustomerRow> {
    const n = unique('cust');
    return repos.customers.insert({ name: n, slug: n.toLowerCase(), now: T0 });
  }

  async function job(c: CustomerRow, over: Partial<JobRow> = {}): Promise<JobRow> {
    return repos.jobs.insert({
      customer_id: c.id,
      kind: 'backup',
      name: unique('job'),
      description: '',
      enabled: 1,
      archived_at: null,
      deleted_at: null,
      schedule: JSON.stringify({ type: 'manual' }),
      next_fire_at: null,
      config: '{}',
      created_at: T0,
      updated_at: T0,
      ...over,
    });
  }

  function runRow(j: JobRow, over: Partial<NewRun> = {}): NewRun {
    return {
      job_id: j.id,
      customer_id: j.customer_id,
      operation: 'backup',
      status: 'queued',
      trigger: 'manual',
      params: '{}',
      queued_at: T0,
      steps: '[]',
      bytes_read: 0,
      bytes_written: 0,
      ...over,
    };
  }

  async function destination(c: CustomerRow) {
    return repos.destinations.insert({
      customerId: c.id,
      name: unique('dest'),
      kind: 'local',
      config: '{}',
      secrets: null,
      now: T0,
    });
  }

  it('migrations are idempotent, also from a second connection', async () => {
    expect(await migrateToLatest(db)).toEqual([]);
    const other = openDatabase({ url, dataDir: dir });
    try {
      expect(await migrateToLatest(other)).toEqual([]);
    } finally {
      await other.close();
    }
    const rows = await sql<{ name: string }>`select name from kw_migrations`.execute(db.kysely);
    expect(rows.rows.map((r) => r.name)).toEqual(ALL_MIGRATIONS);
  });

  it('returns int8 values as numbers', async () => {
    const c = await customer();
    expect(typeof c.id).toBe('number');
    expect(c.created_at).toBe(T0);
    const j = await job(c, { next_fire_at: BIG });
    expect(typeof j.id).toBe('number');
    expect(j.next_fire_at).toBe(BIG);
    const r = await repos.runs.insert(runRow(j, { bytes_read: BIG, bytes_written: BIG + 1, status: 'success' }));
    const got = (await repos.runs.get(r.id))!;
    for (const v of [got.id, got.job_id, got.customer_id, got.queued_at, got.bytes_read, got.bytes_written])
      expect(typeof v).toBe('number');
    expect(got.bytes_read).toBe(BIG);
    expect(got.bytes_written).toBe(BIG + 1);
    const counts = await repos.runs.countByStatus();
    expect(counts.every((x) => typeof x.n === 'number')).toBe(true);
    expect(typeof (await repos.customers.count())).toBe('number');
    expect(typeof (await repos.jobs.earliestFire())).toBe('number');
    const listed = await repos.runs.list({ scope: [c.id], page: 1, pageSize: 10 });
    expect(typeof listed.total).toBe('number');
    expect(listed.items[0]!.bytes_read).toBe(BIG);
    await repos.jobs.update(j.id, { next_fire_at: null });
  });

  it('customers: insert, lookup by name or slug, scoped list, unique slug', async () => {
    const a = await customer();
    const b = await customer();
    expect((await repos.customers.get(a.id))?.name).toBe(a.name);
    expect((await repos.customers.findByNameOrSlug(b.slug))?.id).toBe(b.id);
    expect((await repos.customers.findByNameOrSlug(b.name))?.id).toBe(b.id);
    expect(await repos.customers.findByNameOrSlug('no-such-customer')).toBeUndefined();
    expect((await repos.customers.list([a.id])).map((x) => x.id)).toEqual([a.id]);
    expect(await repos.customers.list([])).toEqual([]);
    const all = await repos.customers.list(null);
    expect(all.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    await expect(repos.customers.insert({ name: 'other name', slug: a.slug, now: T0 })).rejects.toSatisfy(
      isUniqueViolation,
    );
    await repos.customers.update(a.id, { active: 0, timezone: 'Europe/Paris' });
    expect(await repos.customers.get(a.id)).toMatchObject({ active: 0, timezone: 'Europe/Paris' });
  });

  it('users: scope, unique name, tokens, sessions and one-time setup tokens', async () => {
    const a = await customer();
    const b = await customer();
    const name = unique('user');
    const u = await repos.users.insert({
      username: name,
      passwordHash: 'h',
      role: 'operator',
      allCustomers: false,
      customerIds: [a.id, b.id],
      now: T0,
    });
    const found = (await repos.users.byUsername(name))!;
    expect(found.id).toBe(u.id);
    expect(found.all_customers).toBe(0);
    expect([...found.customerIds].sort((x, y) => x - y)).toEqual([a.id, b.id].sort((x, y) => x - y));
    await expect(
      repos.users.insert({
        username: name,
        passwordHash: null,
        role: 'viewer',
        allCustomers: true,
        customerIds: [],
        now: T0,
      }),
    ).rejects.toSatisfy(isUniqueViolation);
    // A failed insert with customer ids leaves no half-created user behind (it is one transaction).
    await expect(
      repos.users.insert({
        username: unique('user'),
        passwordHash: null,
        role: 'viewer',
        allCustomers: false,
        customerIds: [a.id, 999_999],
        now: T0,
      }),
    ).rejects.toThrow();
    expect((await repos.users.list()).filter((x) => x.username.startsWith('user-')).map((x) => x.username)).toEqual([
      name,
    ]);

    const other = await repos.users.insert({
      username: unique('user'),
      passwordHash: null,
      role: 'viewer',
      allCustomers: true,
      customerIds: [],
      now: T0,
    });
    const tok = await repos.users.insertToken({
      userId: u.id,
      name: 'ci',
      tokenHash: unique('hash'),
      role: 'viewer',
      now: T0,
      expiresAt: null,
    });
    expect(tok).toMatchObject({ name: 'ci', role: 'viewer', created_at: T0, expires_at: null });
    await repos.users.touchToken(tok.id, T0 + 5);
    expect((await repos.users.tokensOf(u.id)).map((t) => [t.id, t.last_used_at])).toEqual([[tok.id, T0 + 5]]);
    expect(await repos.users.deleteToken(tok.id, other.id)).toBe(0);
    expect(await repos.users.deleteToken(tok.id, u.id)).toBe(1);
    expect(await repos.users.tokensOf(u.id)).toEqual([]);

    await repos.users.insertSession('s-old', u.id, T0, T0 + 10);
    await repos.users.insertSession('s-new', u.id, T0, T0 + 1000);
    expect((await repos.users.sessionByHash('s-new'))?.user_id).toBe(u.id);
    await repos.users.deleteExpiredSessions(T0 + 100);
    expect(await repos.users.sessionByHash('s-old')).toBeUndefined();
    expect(await repos.users.sessionByHash('s-new')).toBeDefined();
    await repos.users.deleteSession('s-new');
    expect(await repos.users.sessionByHash('s-new')).toBeUndefined();

    await repos.users.insertSetupToken('setup-1', u.id, T0 + 1000);
    await repos.users.insertSetupToken('setup-2', u.id, T0 + 1000); // replaces the first
    expect(await repos.users.takeSetupToken('setup-1', T0)).toBeUndefined();
    expect(await repos.users.takeSetupToken('setup-2', T0)).toBe(u.id);
    expect(await repos.users.takeSetupToken('setup-2', T0)).toBeUndefined();
    await repos.users.insertSetupToken('setup-3', u.id, T0 + 10);
    expect(await repos.users.takeSetupToken('setup-3', T0 + 11)).toBeUndefined();
  });

  it.each(['sources', 'destinations', 'channels'] as const)(
    'resource repository %s: names unique per customer, scoped lookups',
    async (which) => {
      const r = repos[which];
      const a = await customer();
      const b = await customer();
      const row = await r.insert({ customerId: a.id, name: 'db', kind: 'k', config: '{"x":1}', secrets: 's', now: T0 });
      expect(row).toMatchObject({ customer_id: a.id, name: 'db', config: '{"x":1}', secrets: 's', updated_at: T0 });
      await expect(
        r.insert({ customerId: a.id, name: 'db', kind: 'k', config: '{}', secrets: null, now: T0 }),
      ).rejects.toSatisfy(isUniqueViolation);
      const rowB = await r.insert({ customerId: b.id, name: 'db', kind: 'k', config: '{}', secrets: null, now: T0 });
      expect((await r.byName(a.id, 'db'))?.id).toBe(row.id);
      expect((await r.byName(b.id, 'db'))?.id).toBe(rowB.id);
      expect((await r.byNameAnyCustomer('db', [a.id, b.id])).map((x) => x.id).sort()).toEqual([row.id, rowB.id].sort());
      expect((await r.byNameAnyCustomer('db', [b.id])).map((x) => x.id)).toEqual([rowB.id]);
      expect(await r.byNameAnyCustomer('db', [])).toEqual([]);
      expect((await r.list([a.id])).map((x) => x.id)).toEqual([row.id]);
      expect((await r.list(null, b.id)).map((x) => x.id)).toEqual([rowB.id]);
      await expect(r.update(rowB.id, { name: 'db', now: T0 })).resolves.toBeUndefined();
      await expect(
        r
          .insert({ customerId: b.id, name: 'db2', kind: 'k', config: '{}', secrets: null, now: T0 })
          .then((x) => r.update(x.id, { name: 'db', now: T0 })),
      ).rejects.toSatisfy(isUniqueViolation);
      await r.update(row.id, { config: '{"x":2}', secrets: null, now: T0 + 1 });
      expect(await r.get(row.id)).toMatchObject({ config: '{"x":2}', secrets: null, updated_at: T0 + 1, name: 'db' });
      await r.delete(row.id);
      expect(await r.get(row.id)).toBeUndefined();
    },
  );

  it('jobs: byName is scoped and ignores deleted jobs, whose name can be reused', async () => {
    const a = await customer();
    const b = await customer();
    const ja = await job(a, { name: 'shared' });
    const jb = await job(b, { name: 'shared' });
    await expect(job(a, { name: 'shared' })).rejects.toSatisfy(isUniqueViolation);
    const mine = (rows: JobRow[]) => rows.filter((r) => r.id === ja.id || r.id === jb.id).map((r) => r.id);
    expect(mine(await repos.jobs.byName('shared', null))).toEqual([ja.id, jb.id]);
    expect(mine(await repos.jobs.byName('shared', [b.id]))).toEqual([jb.id]);
    expect(await repos.jobs.byName('shared', [])).toEqual([]);
    expect(mine(await repos.jobs.byName('shared', null, a.id))).toEqual([ja.id]);
    expect(await repos.jobs.byName('shared', [b.id], a.id)).toEqual([]);

    await repos.jobs.update(ja.id, { deleted_at: T0 });
    expect(await repos.jobs.get(ja.id)).toBeUndefined();
    expect(mine(await repos.jobs.byName('shared', null))).toEqual([jb.id]);
    const again = await job(a, { name: 'shared' });
    expect(again.id).not.toBe(ja.id);
  });

  it('jobs: list filters by kind, customer, archived and a q with % _ and \\ taken literally', async () => {
    const c = await customer();
    const names = ['Alpha_1', 'alphax1', '100% done', '1000 done', 'back\\slash', 'backxslash'];
    const byName: Record<string, JobRow> = {};
    for (const n of names) byName[n] = await job(c, { name: n });
    const sys = await job(c, { name: 'sys', kind: 'system' });
    const arch = await job(c, { name: 'old', archived_at: T0 });
    const gone = await job(c, { name: 'gone', deleted_at: T0 });
    const list = async (f: Partial<Parameters<Repositories['jobs']['list']>[0]>) =>
      // Sorted here: the database orders by name in its own collation, which varies by locale.
      (await repos.jobs.list({ scope: [c.id], ...f })).map((j) => j.name).sort();

    expect(await list({})).toEqual([...names, 'old', 'sys'].sort());
    expect(await list({ q: '_' })).toEqual(['Alpha_1']);
    expect(await list({ q: 'a_1' })).toEqual(['Alpha_1']);
    expect(await list({ q: 'ALPHA' })).toEqual(['Alpha_1', 'alphax1']);
    expect(await list({ q: '%' })).toEqual(['100% done']);
    expect(await list({ q: '0%' })).toEqual(['100% done']);
    expect(await list({ q: '\\' })).toEqual(['back\\slash']);
    expect(await list({ q: 'k\\s' })).toEqual(['back\\slash']);
    expect(await list({ q: 'nothing-like-this' })).toEqual([]);
    expect(await list({ kind: 'system' })).toEqual(['sys']);
    expect(await list({ archived: true })).toEqual(['old']);
    expect(await list({ archived: false })).not.toContain('old');
    expect(await list({ archived: false })).toHaveLength(names.length + 1);
    expect(await list({ scope: [], customerId: c.id })).toEqual([]);
    const everywhere = await repos.jobs.list({ scope: null, customerId: c.id });
    expect(everywhere.map((j) => j.id)).not.toContain(gone.id);
    expect(everywhere.map((j) => j.id)).toEqual(expect.arrayContaining([sys.id, arch.id]));
  });

  it('jobs: list reports the last finished run and the active run', async () => {
    const c = await customer();
    const j = await job(c);
    const r1 = await repos.runs.insert(runRow(j, { status: 'success' }));
    const r2 = await repos.runs.insert(runRow(j, { status: 'failed' }));
    const r3 = await repos.runs.insert(runRow(j, { status: 'running' }));
    const [row] = await repos.jobs.list({ scope: [c.id] });
    expect(row).toMatchObject({ id: j.id, last_run_id: r2.id, active_run_id: r3.id });
    expect(r1.id).toBeLessThan(r2.id);
    await repos.runs.update(r3.id, { status: 'success' });
    expect((await repos.jobs.list({ scope: [c.id] }))[0]).toMatchObject({ last_run_id: r3.id, active_run_id: null });
  });

  it('jobs: destinations and notifications are replaced as a whole', async () => {
    const c = await customer();
    const j = await job(c);
    const d1 = await destination(c);
    const d2 = await destination(c);
    const ch = await repos.channels.insert({
      customerId: c.id,
      name: 'mail',
      kind: 'smtp',
      config: '{}',
      secrets: null,
      now: T0,
    });
    await repos.jobs.replaceDestinations(j.id, [
      { destination_id: d2.id, position: 1, retention: '{"type":"none"}' },
      { destination_id: d1.id, position: 0, retention: '{"type":"keep_last","count":3}' },
    ]);
    expect((await repos.jobs.destinations(j.id)).map((d) => [d.destination_id, d.position])).toEqual([
      [d1.id, 0],
      [d2.id, 1],
    ]);
    await repos.jobs.replaceDestinations(j.id, [{ destination_id: d2.id, position: 0, retention: '{}' }]);
    expect((await repos.jobs.destinations(j.id)).map((d) => d.destination_id)).toEqual([d2.id]);
    expect(await repos.jobs.usingResource('destination', d2.id)).toEqual([j.name]);
    expect(await repos.jobs.usingResource('destination', d1.id)).toEqual([]);
    await repos.jobs.replaceDestinations(j.id, []);
    expect(await repos.jobs.destinations(j.id)).toEqual([]);

    await repos.jobs.replaceNotifications(j.id, [
      { channel_id: ch.id, condition: 'failure' },
      { channel_id: ch.id, condition: 'success' },
    ]);
    expect((await repos.jobs.notifications(j.id)).map((n) => n.condition).sort()).toEqual(['failure', 'success']);
    expect(await repos.jobs.usingResource('channel', ch.id)).toEqual([j.name]);
    await repos.jobs.replaceNotifications(j.id, [{ channel_id: ch.id, condition: 'always' }]);
    expect((await repos.jobs.notifications(j.id)).map((n) => n.condition)).toEqual(['always']);
    await repos.jobs.replaceNotifications(j.id, []);
    expect(await repos.jobs.notifications(j.id)).toEqual([]);
  });

  it('jobs: claimFire is a compare-and-set; due() and earliestFire() read next_fire_at', async () => {
    // Other tests leave no scheduled job behind; this one owns every next_fire_at.
    const base = T0 + 10_000_000;
    const c = await customer();
    const j1 = await job(c, { next_fire_at: base + 300 });
    const j2 = await job(c, { next_fire_at: base + 100 });
    const j3 = await job(c, { next_fire_at: base + 200 });
    const j4 = await job(c, { next_fire_at: base + 5_000 });
    const j5 = await job(c, { next_fire_at: null });
    expect(await repos.jobs.earliestFire()).toBe(base + 100);
    expect((await repos.jobs.due(base + 300, 10)).map((j) => j.id)).toEqual([j2.id, j3.id, j1.id]);
    expect((await repos.jobs.due(base + 300, 2)).map((j) => j.id)).toEqual([j2.id, j3.id]);
    expect(await repos.jobs.due(base + 99, 10)).toEqual([]);

    expect(await repos.jobs.claimFire(j2.id, base + 100, base + 1_000)).toBe(true);
    expect(await repos.jobs.claimFire(j2.id, base + 100, base + 1_000)).toBe(false); // stale expected value
    expect(await repos.jobs.claimFire(j2.id, base + 100, base + 2_000)).toBe(false);
    expect((await repos.jobs.get(j2.id))?.next_fire_at).toBe(base + 1_000);
    expect(await repos.jobs.claimFire(j5.id, base, base + 1)).toBe(false); // null never matches
    expect(await repos.jobs.claimFire(j3.id, base + 200, null)).toBe(true);
    expect((await repos.jobs.get(j3.id))?.next_fire_at).toBeNull();
    expect(await repos.jobs.earliestFire()).toBe(base + 300);

    // Concurrent claims of one fire: exactly one wins.
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => repos.jobs.claimFire(j1.id, base + 300, base + 10_000 + i)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);

    for (const j of [j1, j2, j4]) await repos.jobs.update(j.id, { next_fire_at: null });
    expect(await repos.jobs.earliestFire()).toBeNull();
    expect(await repos.jobs.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('jobs: events are kept per job, newest first', async () => {
    const c = await customer();
    const j = await job(c);
    const k = await job(c);
    await repos.jobs.addEvent(j.id, T0, 'warn', 'first');
    await repos.jobs.addEvent(k.id, T0, 'info', 'other job');
    await repos.jobs.addEvent(j.id, T0 + 1, 'info', 'second');
    expect((await repos.jobs.events(j.id)).map((e) => e.message)).toEqual(['second', 'first']);
    expect((await repos.jobs.events(j.id, 1)).map((e) => e.message)).toEqual(['second']);
  });

  it('runs: one queued or running run per job, enforced by the database', async () => {
    const c = await customer();
    const j = await job(c);
    const first = await repos.runs.insert(runRow(j));
    expect(first).toMatchObject({ status: 'queued', job_id: j.id, params: '{}', steps: '[]' });
    await expect(repos.runs.insert(runRow(j))).rejects.toSatisfy(isUniqueViolation);
    await expect(repos.runs.insert(runRow(j, { status: 'running' }))).rejects.toSatisfy(isUniqueViolation);
    // Finished runs do not count.
    await repos.runs.insert(runRow(j, { status: 'failed' }));

    expect(await repos.runs.transition(first.id, ['queued'], { status: 'running', started_at: T0 + 1 })).toBe(true);
    expect(await repos.runs.transition(first.id, ['queued'], { status: 'running', node_id: 'other' })).toBe(false);
    expect((await repos.runs.get(first.id))?.node_id).toBeNull();
    await expect(repos.runs.insert(runRow(j))).rejects.toSatisfy(isUniqueViolation);
    expect((await repos.runs.activeForJob(j.id))?.id).toBe(first.id);

    expect(await repos.runs.transition(first.id, ['queued'], { status: 'cancelled' })).toBe(false);
    expect(
      await repos.runs.transition(first.id, ['queued', 'running'], { status: 'success', finished_at: T0 + 2 }),
    ).toBe(true);
    expect(await repos.runs.transition(first.id, ['queued', 'running'], { status: 'failed' })).toBe(false);
    expect(await repos.runs.get(first.id)).toMatchObject({ status: 'success', finished_at: T0 + 2, job_name: j.name });
    expect(await repos.runs.activeForJob(j.id)).toBeUndefined();
    const second = await repos.runs.insert(runRow(j));
    expect(second.id).toBeGreaterThan(first.id);

    // Two concurrent inserts for another job: exactly one succeeds.
    const k = await job(c);
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => repos.runs.insert(runRow(k))));
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled) if (s.status === 'rejected') expect(isUniqueViolation(s.reason)).toBe(true);
  });

  it('runs: list filters, paginates and counts; queued() is oldest first', async () => {
    const a = await customer();
    const b = await customer();
    const ja = await job(a);
    const jb = await job(b);
    const ids: number[] = [];
    const statuses = ['success', 'failed', 'success', 'warning', 'success', 'failed', 'success'];
    for (let i = 0; i < statuses.length; i++) {
      const r = await repos.runs.insert(
        runRow(ja, { status: statuses[i]!, queued_at: T0 + i * 1000, operation: i === 3 ? 'verify' : 'backup' }),
      );
      ids.push(r.id);
    }
    const other = await repos.runs.insert(runRow(jb, { status: 'success' }));

    const all = await repos.runs.list({ scope: [a.id], page: 1, pageSize: 3 });
    expect(all.total).toBe(7);
    expect(all.items.map((r) => r.id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(all.items[0]!.job_name).toBe(ja.name);
    const page3 = await repos.runs.list({ scope: [a.id], page: 3, pageSize: 3 });
    expect(page3).toEqual({ total: 7, items: [expect.objectContaining({ id: ids[0] })] });
    expect((await repos.runs.list({ scope: [a.id], page: 4, pageSize: 3 })).items).toEqual([]);
    const asc = await repos.runs.list({ scope: [a.id], page: 1, pageSize: 2, order: 'asc' });
    expect(asc.items.map((r) => r.id)).toEqual([ids[0], ids[1]]);

    const failed = await repos.runs.list({ scope: null, jobId: ja.id, status: ['failed'], page: 1, pageSize: 50 });
    expect(failed.items.map((r) => r.id)).toEqual([ids[5], ids[1]]);
    expect(failed.total).toBe(2);
    const two = await repos.runs.list({
      scope: null,
      jobId: ja.id,
      status: ['failed', 'warning'],
      page: 1,
      pageSize: 50,
    });
    expect(two.total).toBe(3);
    const verify = await repos.runs.list({ scope: [a.id], operation: 'verify', page: 1, pageSize: 50 });
    expect(verify.items.map((r) => r.id)).toEqual([ids[3]]);
    const window = await repos.runs.list({ scope: [a.id], from: T0 + 2000, to: T0 + 5000, page: 1, pageSize: 50 });
    expect(window.items.map((r) => r.id)).toEqual([ids[4], ids[3], ids[2]]);
    expect(window.total).toBe(3);
    expect(await repos.runs.list({ scope: [], page: 1, pageSize: 50 })).toEqual({ items: [], total: 0 });
    const bOnly = await repos.runs.list({ scope: [b.id], page: 1, pageSize: 50 });
    expect(bOnly.items.map((r) => r.id)).toEqual([other.id]);

    const j1 = await job(a);
    const j2 = await job(a);
    const q2 = await repos.runs.insert(runRow(j2, { queued_at: 1 }));
    const q1 = await repos.runs.insert(runRow(j1, { queued_at: 2 }));
    const queued = (await repos.runs.queued(100)).filter((r) => r.id === q1.id || r.id === q2.id);
    expect(queued.map((r) => r.id)).toEqual([q2.id, q1.id]);
    const recent = await repos.runs.recentForJob(ja.id, 2, 'backup');
    expect(recent.map((r) => r.id)).toEqual([ids[6], ids[5]]);
  });

  it('runs: the log is append-only and read in order after an id', async () => {
    const c = await customer();
    const j = await job(c);
    const r = await repos.runs.insert(runRow(j));
    const other = await repos.runs.insert(runRow(await job(c)));
    await repos.runs.appendLogs([
      { run_id: r.id, at: T0, level: 'info', message: 'one' },
      { run_id: r.id, at: T0, level: 'info', message: 'two' },
    ]);
    await repos.runs.appendLogs([{ run_id: other.id, at: T0, level: 'info', message: 'elsewhere' }]);
    await repos.runs.appendLogs([]);
    await repos.runs.appendLogs([{ run_id: r.id, at: T0 - 50, level: 'error', message: 'three' }]);
    const all = await repos.runs.logs(r.id, 0, 100);
    expect(all.map((l) => l.message)).toEqual(['one', 'two', 'three']);
    expect(all[0]!.id).toBeLessThan(all[1]!.id);
    expect((await repos.runs.logs(r.id, all[0]!.id, 100)).map((l) => l.message)).toEqual(['two', 'three']);
    expect((await repos.runs.logs(r.id, all[0]!.id, 1)).map((l) => l.message)).toEqual(['two']);
    expect(await repos.runs.logs(r.id, all[2]!.id, 100)).toEqual([]);
  });

  it('backups: scoped lists, retention candidates exclude deleted ones', async () => {
    const a = await customer();
    const b = await customer();
    const ja = await job(a);
    const jb = await job(b);
    const da = await destination(a);
    const da2 = await destination(a);
    const db2 = await destination(b);
    const ra = await repos.runs.insert(runRow(ja, { status: 'success' }));
    const rb = await repos.runs.insert(runRow(jb, { status: 'success' }));
    const backup = (run: { id: number }, j: JobRow, destId: number, createdAt: number, size = 10) =>
      repos.backups.insert({
        run_id: run.id,
        job_id: j.id,
        customer_id: j.customer_id,
        destination_id: destId,
        object_key: unique('key'),
        size,
        raw_size: size * 2,
        sha256: 'ab',
        compression: 'zstd',
        encrypted: 1,
        key_id: null,
        extension: '.zst',
        created_at: createdAt,
        pinned: 0,
        metadata: '{}',
      });
    const b1 = await backup(ra, ja, da.id, T0 + 1);
    const b2 = await backup(ra, ja, da.id, T0 + 3, BIG);
    const b3 = await backup(ra, ja, da.id, T0 + 2);
    const b4 = await backup(ra, ja, da2.id, T0 + 4);
    const bb = await backup(rb, jb, db2.id, T0 + 5);
    expect(b2.size).toBe(BIG);
    expect(b1.pinned).toBe(0);

    const listA = await repos.backups.list({ scope: [a.id] });
    expect(listA.map((x) => x.id)).toEqual([b4.id, b2.id, b3.id, b1.id]);
    expect(listA[0]).toMatchObject({ job_name: ja.name, destination_name: da2.name, destination_kind: 'local' });
    expect((await repos.backups.list({ scope: [b.id] })).map((x) => x.id)).toEqual([bb.id]);
    expect(await repos.backups.list({ scope: [] })).toEqual([]);
    expect((await repos.backups.list({ scope: null, jobId: ja.id, destinationId: da.id })).map((x) => x.id)).toEqual([
      b2.id,
      b3.id,
      b1.id,
    ]);
    expect((await repos.backups.list({ scope: [a.id], limit: 1 })).map((x) => x.id)).toEqual([b4.id]);

    await repos.backups.update(b3.id, { deleted_at: T0 + 10 });
    await repos.backups.update(b1.id, { pinned: 1, verified_at: T0 + 9 });
    expect((await repos.backups.forRetention(ja.id, da.id)).map((x) => x.id)).toEqual([b2.id, b1.id]);
    expect(await repos.backups.get(b3.id)).toBeUndefined();
    expect(await repos.backups.get(b1.id)).toMatchObject({ pinned: 1, verified_at: T0 + 9 });
    expect((await repos.backups.list({ scope: [a.id] })).map((x) => x.id)).not.toContain(b3.id);
    expect((await repos.backups.idsForRun(ra.id)).sort((x, y) => x - y)).toEqual(
      [b1.id, b2.id, b3.id, b4.id].sort((x, y) => x - y),
    );
    const total = await repos.backups.totalSize();
    expect(typeof total).toBe('number');
    expect(total).toBeGreaterThanOrEqual(BIG + 30);
  });

  it('transaction() commits on success and rolls back on error', async () => {
    const slugC = unique('tx-commit');
    const created = await repos.transaction(async (tx) => {
      const c = await tx.customers.insert({ name: slugC, slug: slugC, now: T0 });
      await tx.settings.set(`k-${slugC}`, { v: 1 });
      return c;
    });
    expect((await repos.customers.get(created.id))?.slug).toBe(slugC);
    expect((await repos.settings.all())[`k-${slugC}`]).toEqual({ v: 1 });

    const slugR = unique('tx-rollback');
    await expect(
      repos.transaction(async (tx) => {
        const c = await tx.customers.insert({ name: slugR, slug: slugR, now: T0 });
        await tx.jobs.insert({
          customer_id: c.id,
          kind: 'backup',
          name: 'inside',
          description: '',
          enabled: 1,
          schedule: '{}',
          config: '{}',
          created_at: T0,
          updated_at: T0,
        });
        expect((await tx.customers.findByNameOrSlug(slugR))?.id).toBe(c.id);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await repos.customers.findByNameOrSlug(slugR)).toBeUndefined();

    // A constraint violation inside also rolls back the earlier statements.
    const slugV = unique('tx-violation');
    await expect(
      repos.transaction(async (tx) => {
        await tx.customers.insert({ name: slugV, slug: slugV, now: T0 });
        await tx.customers.insert({ name: `${slugV}-2`, slug: slugV, now: T0 });
      }),
    ).rejects.toSatisfy(isUniqueViolation);
    expect(await repos.customers.findByNameOrSlug(slugV)).toBeUndefined();
    // The repositories still work after a rolled-back transaction.
    expect(await repos.customers.count()).toBeGreaterThan(0);
  });

  it('settings and audit log round-trip JSON', async () => {
    await repos.settings.set('maxConcurrentRuns', 2);
    await repos.settings.set('maxConcurrentRuns', 3);
    expect((await repos.settings.all()).maxConcurrentRuns).toBe(3);
    const c = await customer();
    await repos.audit.insert({
      at: T0,
      userId: null,
      actor: 'system',
      action: 'update',
      entity: 'job',
      entityId: 42,
      customerId: c.id,
      before: { a: 1 },
    });
    const [row] = await repos.audit.list([c.id], 10);
    expect(row).toMatchObject({ entity_id: '42', before: '{"a":1}', after: null, customer_id: c.id });
    expect(await repos.audit.list([], 10)).toEqual([]);
  });
});
