import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/core/customer-csv.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/**
 * Customers (contract: "Customers"): job counts per kind on the list, CSV export with RFC 4180
 * quoting, and CSV import that creates and updates by name — all or nothing, with every bad line
 * reported.
 */
for (const dialect of DIALECTS) {
  describe(`customers: job counts and CSV (${dialect})`, () => {
    let t: TestApp;
    const ids: Record<string, number> = {};

    const ok = async (method: string, url: string, body?: unknown, tok?: string): Promise<Json> => {
      const res = await t.call(method, url, body, tok);
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const listed = async (tok?: string) =>
      Object.fromEntries(((await ok('GET', '/api/customers', undefined, tok)).items as Json[]).map((c) => [c.name, c]));
    const exportCsv = async (tok?: string) => {
      const res = await t.app.http.inject({
        method: 'GET',
        url: '/api/customers/export',
        headers: { authorization: `Bearer ${tok ?? t.token}` },
      });
      return res;
    };

    beforeAll(async () => {
      t = await startTestApp(dialect);
      ids.acme = (await ok('POST', '/api/customers', { name: 'Acme, Inc.', timezone: 'Europe/Berlin' })).id;
      ids.quoted = (await ok('POST', '/api/customers', { name: 'The "Quoted" Shop' })).id;
      const file = path.join(t.dataDir, 'acme.db');
      execFileSync('sqlite3', [file, 'create table t(a int);']);
      await ok('POST', '/api/sources', { name: 'src', kind: 'sqlite', customerId: ids.acme, config: { path: file } });
      await ok('POST', '/api/destinations', {
        name: 'dst',
        kind: 'local',
        customerId: ids.acme,
        config: { path: path.join(t.dataDir, 'backups') },
      });
      for (const name of ['db-1', 'db-2'])
        await ok('POST', '/api/jobs', {
          name,
          customerId: ids.acme,
          source: 'src',
          destinations: [{ destination: 'dst' }],
        });
      await ok('POST', '/api/jobs', { kind: 'monitored', feed: 'heartbeat', name: 'hb', customerId: ids.acme });
      const archived = await ok('POST', '/api/jobs', {
        kind: 'monitored',
        feed: 'heartbeat',
        name: 'old',
        customerId: ids.acme,
      });
      await ok('POST', `/api/jobs/${archived.id}/archive`);
      const deleted = await ok('POST', '/api/jobs', {
        kind: 'monitored',
        feed: 'heartbeat',
        name: 'gone',
        customerId: ids.acme,
      });
      await ok('DELETE', `/api/jobs/${deleted.id}`);
    });
    afterAll(async () => t?.close());

    it('lists job counts per kind (archived counted, deleted not)', async () => {
      const all = await listed();
      expect(all['Acme, Inc.'].jobCounts).toEqual({ backup: 2, monitored: 2, system: 0, total: 4 });
      expect(all['The "Quoted" Shop'].jobCounts).toEqual({ backup: 0, monitored: 0, system: 0, total: 0 });
      const systemJobs = (await ok('GET', '/api/jobs?kind=system')).total as number;
      expect(systemJobs).toBeGreaterThan(0);
      const def: Json = Object.values(all).find((c: Json) => c.slug === 'default');
      expect(def.jobCounts).toEqual({ backup: 0, monitored: 0, system: systemJobs, total: systemJobs });
    });

    it('exports CSV with a header, quoting and the job total, limited to visible customers', async () => {
      const res = await exportCsv();
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toContain('customers.csv');
      const lines = res.body.split('\r\n');
      expect(lines[0]).toBe('name,slug,active,timezone,jobs');
      expect(res.body).toContain('"Acme, Inc.",acme-inc,true,Europe/Berlin,4\r\n');
      expect(res.body).toContain('"The ""Quoted"" Shop",the-quoted-shop,true,,0\r\n');
      const records = parseCsv(res.body).records;
      expect(records.map((r) => r.cells[0])).toEqual(expect.arrayContaining(['Acme, Inc.', 'The "Quoted" Shop']));

      const scoped = await t.userToken(`csv-viewer-${dialect}`, 'viewer', { customerIds: [ids.quoted!] });
      const mine = await exportCsv(scoped);
      expect(mine.statusCode).toBe(200);
      expect(parseCsv(mine.body).records.map((r) => r.cells[0])).toEqual(['name', 'The "Quoted" Shop']);
    });

    it('an exported file imports back without changes', async () => {
      const csv = (await exportCsv()).body;
      expect(await ok('POST', '/api/customers/import', { csv })).toEqual({ created: 0, updated: 0, errors: [] });
    });

    it('creates new customers and updates existing ones by name (case-insensitive)', async () => {
      const csv = [
        'name,active,timezone',
        '"acme, inc.",false,', // existing: deactivate, clear the zone
        '"Beta, LLC",,America/New_York',
        'Gamma,no,',
        'the "quoted" shop,true,',
      ].join('\n');
      // The last line has a stray quote: nothing happens, and that line is named.
      const bad = await ok('POST', '/api/customers/import', { csv });
      expect(bad.created).toBe(0);
      expect(bad.errors).toEqual([{ line: 5, message: expect.stringContaining('quote inside an unquoted field') }]);
      expect((await listed())['Beta, LLC']).toBeUndefined();

      const good = csv.replace('the "quoted" shop,true,', '"the ""quoted"" shop",true,');
      expect(await ok('POST', '/api/customers/import', { csv: good })).toEqual({ created: 2, updated: 1, errors: [] });
      const all = await listed();
      expect(all['Acme, Inc.']).toMatchObject({ active: false, timezone: null });
      expect(all['Beta, LLC']).toMatchObject({ slug: 'beta-llc', active: true, timezone: 'America/New_York' });
      expect(all.Gamma).toMatchObject({ active: false, timezone: null });
      expect(all['The "Quoted" Shop']).toMatchObject({ active: true });
    });

    it('is all or nothing: every bad line is reported and nothing changes', async () => {
      const csv = ['Delta', 'Epsilon,maybe', 'Zeta,true,Mars/Olympus', 'delta', ',true'].join('\r\n');
      const res = await ok('POST', '/api/customers/import', { csv });
      expect(res).toEqual({
        created: 0,
        updated: 0,
        errors: [
          { line: 2, message: "active: 'maybe' is not true or false" },
          { line: 3, message: expect.stringContaining("'Mars/Olympus' is not a known time zone") },
          { line: 4, message: "'delta' is already on line 1" },
          { line: 5, message: 'name is empty' },
        ],
      });
      expect((await listed()).Delta).toBeUndefined();
      expect((await ok('POST', '/api/customers/import', { csv: '\n\n' })).errors).toEqual([
        { line: 1, message: 'the file names no customers' },
      ]);
    });

    it('only users with access to all customers import; scoped users cannot', async () => {
      const viewer = await t.userToken(`csv-v-${dialect}`, 'viewer', { allCustomers: true });
      const scopedAdmin = await t.userToken(`csv-a-${dialect}`, 'admin', { customerIds: [ids.acme!] });
      expect((await t.call('POST', '/api/customers/import', { csv: 'New One' }, viewer)).status).toBe(403);
      expect((await t.call('POST', '/api/customers/import', { csv: 'New One' }, scopedAdmin)).status).toBe(403);
      expect((await t.call('POST', '/api/customers/import', { csv: 5 })).status).toBe(400);
      expect((await t.call('GET', '/api/customers/export', undefined, null)).status).toBe(401);
      expect((await listed())['New One']).toBeUndefined();
    });
  });
}
