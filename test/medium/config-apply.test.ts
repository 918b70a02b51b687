import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { resolveConfigReferences } from '../../src/cli/config-references.js';
import { createPgDatabase, pgQuery, PG_ADMIN_URL, uniqueName } from '../helpers/databases.js';
import { REPO_ROOT } from '../helpers/server-process.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Configuration as code (issue 2, item 2) through POST /api/config/apply and
 * GET /api/config/export: the example of docs/config.md, idempotency, updates, the export
 * round trip with secrets kept, and bad documents that change nothing.
 */

const DOC_PATH = path.join(REPO_ROOT, 'docs/config.md');
const WEBHOOK_TOKEN_FILE = '/etc/keepwatch/webhook-token';
const WEBHOOK_TOKEN = 'hook-token-4f9a1c77e2';
// Characters that would break a textual substitution into YAML (": ", " #", quotes).
const DB_PASSWORD = `p@ss: w0rd #1 'quoted' "too"`;

/** The example document of docs/config.md (between the markers), as written in the doc. */
function docExample(): string {
  const md = readFileSync(DOC_PATH, 'utf8');
  const m = /<!-- config-example:start -->\s*```yaml\n([\s\S]*?)```\s*<!-- config-example:end -->/.exec(md);
  if (!m) throw new Error('docs/config.md has no ```yaml block between the config-example markers');
  return m[1]!;
}

/** Every changes entry as "kind name action". */
const actions = (changes: { kind: string; name: string; action: string }[]) =>
  changes.map((c) => `${c.kind} ${c.name} ${c.action}`);

describe.each(DIALECTS)('configuration as code (%s)', (dialect) => {
  let t: TestApp;
  let role: string;
  let appDb: Awaited<ReturnType<typeof createPgDatabase>>;
  let example: string;

  const apply = (yaml: string, dryRun = false) => t.call('POST', '/api/config/apply', { yaml, dryRun });
  /** Names (and update times) of everything configuration as code manages, plus the audit size. */
  const snapshot = async () => {
    const names = async (url: string) =>
      (await t.call('GET', url)).body.items
        .map((i: { name: string; updatedAt?: string }) => `${i.name}@${i.updatedAt ?? ''}`)
        .sort();
    return {
      customers: await names('/api/customers'),
      sources: await names('/api/sources'),
      destinations: await names('/api/destinations'),
      channels: await names('/api/notification-channels'),
      profiles: await names('/api/encryption-profiles'),
      jobs: await names('/api/jobs'),
      audit: (await t.call('GET', '/api/audit?limit=1000')).body.items.length as number,
    };
  };
  const sourceId = async (name: string) => (await t.call('GET', `/api/sources/${name}`)).body.id as number;
  const channelId = async (name: string) =>
    (await t.call('GET', `/api/notification-channels/${name}`)).body.id as number;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    // A real role with a password and a database it may connect to, for the source of the example.
    role = uniqueName('kwcfg');
    appDb = await createPgDatabase('kwcfgapp');
    await pgQuery(PG_ADMIN_URL, `create role "${role}" login password '${DB_PASSWORD.replace(/'/g, "''")}'`);
    await pgQuery(appDb.url, `create table t (a int); grant select on t to "${role}"`);
    example = resolveConfigReferences(docExample(), {
      env: { APP_DB_USER: role, APP_DB_PASSWORD: DB_PASSWORD, APP_DB_NAME: appDb.name },
      readFile: (p) => {
        if (p === WEBHOOK_TOKEN_FILE) return `${WEBHOOK_TOKEN}\n`;
        throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      },
      sourceName: 'docs/config.md',
      baseDir: path.dirname(DOC_PATH),
    });
  });

  afterAll(async () => {
    await t?.close();
    await appDb?.drop();
    if (role) await pgQuery(PG_ADMIN_URL, `drop role if exists "${role}"`);
  });

  const EXAMPLE_OBJECTS = [
    'customer Acme Corp',
    'source app-db',
    'source app-files-db',
    'destination local-backups',
    'notificationChannel ops-webhook',
    'encryptionProfile acme-main',
    'job app-db-nightly',
    'job app-files-db-weekly',
  ];

  it('the example of docs/config.md resolves its references and has every section', () => {
    expect(example).toContain(`user: ${role}`);
    // Values carry no reference any more (comments may: the CLI leaves them alone).
    expect(JSON.stringify(parseYaml(example))).not.toMatch(/\$\{(env|file):/);
    const doc = parseYaml(example) as Record<string, { name: string; config?: Record<string, unknown> }[]>;
    expect(Object.keys(doc)).toEqual([
      'apiVersion',
      'customers',
      'sources',
      'destinations',
      'encryptionProfiles',
      'notificationChannels',
      'jobs',
    ]);
    expect(doc.sources![0]!.config!.password).toBe(DB_PASSWORD);
    expect(doc.notificationChannels![0]!.config!.headers).toEqual({ Authorization: `Bearer ${WEBHOOK_TOKEN}` });
  });

  it('dry run reports every object as create and changes nothing', async () => {
    const before = await snapshot();
    const r = await apply(example, true);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.dryRun).toBe(true);
    expect(actions(r.body.changes)).toEqual(EXAMPLE_OBJECTS.map((o) => `${o} create`));
    expect(await snapshot()).toEqual(before);
  });

  it('apply creates everything as described, with the secrets sealed', async () => {
    const before = await snapshot();
    const r = await apply(example);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(actions(r.body.changes)).toEqual(EXAMPLE_OBJECTS.map((o) => `${o} create`));
    const after = await snapshot();
    expect(after.audit).toBeGreaterThan(before.audit);

    const customer = (await t.call('GET', '/api/customers')).body.items.find(
      (c: { name: string }) => c.name === 'Acme Corp',
    );
    expect(customer).toMatchObject({ slug: 'acme-corp', timezone: 'Europe/Berlin' });

    const src = (await t.call('GET', '/api/sources/app-db')).body;
    expect(src).toMatchObject({ kind: 'postgres', customerId: customer.id, hasSecret: { password: true } });
    expect(src.config).toEqual({ host: '127.0.0.1', port: 5432, user: role, database: appDb.name, format: 'custom' });
    expect((await t.app.services.sources.resolvedConfig(src.id)).config.password).toBe(DB_PASSWORD);
    // The stored password is the real one: the source test connects with it.
    const test = await t.call('POST', `/api/sources/${src.id}/test`);
    expect(test.body, JSON.stringify(test.body)).toMatchObject({ ok: true });

    const channel = (await t.call('GET', '/api/notification-channels/ops-webhook')).body;
    expect(channel.config).not.toHaveProperty('headers');
    expect(channel.hasSecret).toEqual({ headers: true });
    expect((await t.app.services.channels.resolvedConfig(channel.id)).config.headers).toEqual({
      Authorization: `Bearer ${WEBHOOK_TOKEN}`,
    });

    const job = (await t.call('GET', '/api/jobs/app-db-nightly')).body;
    expect(job).toMatchObject({
      customer: { name: 'Acme Corp' },
      description: 'Nightly dump of the Acme application database',
      enabled: true,
      source: { name: 'app-db' },
      destinations: [
        { name: 'local-backups', retention: { type: 'gfs', daily: 7, weekly: 4, monthly: 12, yearly: 3 } },
      ],
      compression: { algorithm: 'zstd', level: 3 },
      encryptionProfile: { name: 'acme-main' },
      schedule: { type: 'cron', expression: '30 2 * * *', timezone: 'Europe/Berlin' },
      timeoutSeconds: 7200,
      sizeCheck: { minBytes: 1024, minRatio: 0.5 },
    });
    expect(job.notifications.map((n: { channel: { name: string }; condition: string }) => n.condition).sort()).toEqual([
      'failure',
      'missed',
    ]);
    expect(job.nextRunAt).not.toBeNull();
    const weekly = (await t.call('GET', '/api/jobs/app-files-db-weekly')).body;
    expect(weekly).toMatchObject({
      schedule: { type: 'weekly', days: ['mon', 'thu'], times: ['01:15'], timezone: 'Europe/Berlin' },
      compression: { algorithm: 'gzip', level: 6 },
      encryptionProfile: null,
      destinations: [{ name: 'local-backups', retention: { type: 'keep_last', count: 4 } }],
    });
  });

  it('applying the same document again reports everything unchanged and writes nothing', async () => {
    const before = await snapshot();
    for (const dryRun of [true, false]) {
      const r = await apply(example, dryRun);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(actions(r.body.changes)).toEqual(EXAMPLE_OBJECTS.map((o) => `${o} unchanged`));
    }
    expect(await snapshot()).toEqual(before); // updated_at of every object, and the audit log
  });

  it('changing one field reports exactly that update and applies it', async () => {
    const changed = example.replace(
      'compression: { algorithm: zstd, level: 3 }',
      'compression: { algorithm: zstd, level: 9 }',
    );
    expect(changed).not.toBe(example);
    const dry = await apply(changed, true);
    expect(actions(dry.body.changes).filter((a) => !a.endsWith(' unchanged'))).toEqual(['job app-db-nightly update']);
    expect((await t.call('GET', '/api/jobs/app-db-nightly')).body.compression).toEqual({ algorithm: 'zstd', level: 3 });

    const r = await apply(changed);
    expect(actions(r.body.changes).filter((a) => !a.endsWith(' unchanged'))).toEqual(['job app-db-nightly update']);
    expect((await t.call('GET', '/api/jobs/app-db-nightly')).body.compression).toEqual({ algorithm: 'zstd', level: 9 });

    // A resource field too: only that destination changes.
    const moved = changed.replace('path: /var/backups/keepwatch', 'path: /var/backups/keepwatch-2');
    const r2 = await apply(moved);
    expect(actions(r2.body.changes).filter((a) => !a.endsWith(' unchanged'))).toEqual([
      'destination local-backups update',
    ]);
    expect((await t.call('GET', '/api/destinations/local-backups')).body.config).toEqual({
      path: '/var/backups/keepwatch-2',
    });
    // Back to the example: two updates, then all unchanged again.
    expect(actions((await apply(example)).body.changes).filter((a) => !a.endsWith(' unchanged'))).toEqual([
      'destination local-backups update',
      'job app-db-nightly update',
    ]);
    expect(actions((await apply(example)).body.changes).every((a) => a.endsWith(' unchanged'))).toBe(true);
  });

  it('export contains no secret, and applying the export changes nothing and keeps the secrets', async () => {
    const ex = await t.call('GET', '/api/config/export');
    expect(ex.status).toBe(200);
    const yaml: string = ex.body.yaml;
    const kit = (await t.call('POST', '/api/encryption-profiles/acme-main/export')).body.kit as string;
    const profileKey = /^key:\s*(\S+)/m.exec(kit)?.[1];
    expect(profileKey).toBeTruthy();
    for (const secret of [DB_PASSWORD, 'p@ss', WEBHOOK_TOKEN, 'Authorization', profileKey!])
      expect(yaml).not.toContain(secret);

    const doc = parseYaml(yaml) as Record<string, { name: string }[]>;
    expect(doc.apiVersion).toBe('keepwatch/v1');
    expect(doc.jobs!.map((j) => j.name).sort()).toEqual(['app-db-nightly', 'app-files-db-weekly']);
    expect(doc.sources!.find((s) => s.name === 'app-db')).toMatchObject({
      customer: 'Acme Corp',
      type: 'postgres',
      config: { host: '127.0.0.1', port: 5432, user: role, database: appDb.name, format: 'custom' },
    });

    const before = await snapshot();
    const r = await apply(yaml);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.changes.length).toBeGreaterThanOrEqual(EXAMPLE_OBJECTS.length);
    expect(actions(r.body.changes).filter((a) => !a.endsWith(' unchanged'))).toEqual([]);
    expect(await snapshot()).toEqual(before);

    const id = await sourceId('app-db');
    expect((await t.app.services.sources.resolvedConfig(id)).config.password).toBe(DB_PASSWORD);
    expect((await t.call('POST', `/api/sources/${id}/test`)).body).toMatchObject({ ok: true });
    expect((await t.app.services.channels.resolvedConfig(await channelId('ops-webhook'))).config.headers).toEqual({
      Authorization: `Bearer ${WEBHOOK_TOKEN}`,
    });
    // And the example (with its secrets) is still "unchanged" after the round trip.
    expect(actions((await apply(example)).body.changes).every((a) => a.endsWith(' unchanged'))).toBe(true);
  });

  it('tells updates from equal spellings: size check, notification order, customer time zone, profile key', async () => {
    const changedOnly = async (yaml: string) => {
      const r = await apply(yaml);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return actions(r.body.changes).filter((a) => !a.endsWith(' unchanged'));
    };
    // The same notifications in another order, and the default compression level spelt out or not.
    const reordered = example
      .replace(
        /- channel: ops-webhook\n(\s+)condition: failure\n(\s+)- channel: ops-webhook\n(\s+)condition: missed/,
        '- channel: ops-webhook\n$1condition: missed\n$2- channel: ops-webhook\n$3condition: failure',
      )
      .replace('compression: { algorithm: zstd, level: 3 }', 'compression: { algorithm: zstd }');
    expect(reordered).not.toBe(example);
    expect(await changedOnly(reordered)).toEqual([]);

    expect(
      await changedOnly(
        example.replace('sizeCheck: { minBytes: 1024, minRatio: 0.5 }', 'sizeCheck: { minBytes: 2048 }'),
      ),
    ).toEqual(['job app-db-nightly update']);
    expect((await t.call('GET', '/api/jobs/app-db-nightly')).body.sizeCheck).toEqual({ minBytes: 2048, minRatio: 0.5 });

    expect(
      await changedOnly(example.replace('timezone: Europe/Berlin # optional', 'timezone: Europe/Paris #')),
    ).toEqual([
      'customer Acme Corp update',
      'job app-db-nightly update', // the size check of the example again
    ]);
    const acme = (await t.call('GET', '/api/customers')).body.items.find(
      (c: { name: string }) => c.name === 'Acme Corp',
    );
    expect(acme.timezone).toBe('Europe/Paris');
    expect(await changedOnly(example)).toEqual(['customer Acme Corp update']);

    // A profile's key never changes: another key is refused, the same key is "unchanged".
    const kit = (await t.call('POST', '/api/encryption-profiles/acme-main/export')).body.kit as string;
    const key = /^key:\s*(\S+)/m.exec(kit)![1]!;
    const withKey = (k: string) =>
      example.replace(
        '  - name: acme-main\n    customer: Acme Corp\n',
        `  - name: acme-main\n    customer: Acme Corp\n    key: "${k}"\n`,
      );
    expect(withKey(key)).not.toBe(example);
    expect(await changedOnly(withKey(key))).toEqual([]);
    const other = await apply(withKey('ab'.repeat(32)));
    expect(other.status).toBe(400);
    expect(other.body.error.message).toMatch(/encryptionProfiles\[0\] \(acme-main\)\.key: .*cannot change/);
  });

  describe('bad documents are refused with a message naming the problem, and nothing is created', () => {
    // Each starts with valid new entries, to prove that they are not created either.
    const valid = `
customers:
  - name: Should Not Exist
sources:
  - name: must-not-exist
    customer: Should Not Exist
    type: sqlite
    config: { path: /tmp/must-not-exist.db }
destinations:
  - name: must-not-exist-dest
    customer: Should Not Exist
    type: local
    config: { path: /tmp/must-not-exist }
`;
    const job = (extra: string) => `
jobs:
  - name: must-not-exist-job
    customer: Should Not Exist
    source: must-not-exist
    destinations:
      - destination: must-not-exist-dest
${extra}`;
    const cases: [string, string, RegExp][] = [
      [
        'a YAML syntax error (with its line)',
        `${valid}jobs:\n  - name: [unclosed\n    source: x\n`,
        /YAML error at line 16, column 5: Flow sequence/,
      ],
      ['an unknown section', `${valid}sourcez:\n  - name: x\n`, /unknown section 'sourcez'/],
      [
        'an unknown source type',
        `${valid.replace('type: sqlite', 'type: oracle')}`,
        /sources\[0\] \(must-not-exist\).*unknown source type 'oracle'/,
      ],
      [
        'a job referencing an undefined destination',
        `${valid}${job('').replace('destination: must-not-exist-dest', 'destination: nowhere')}`,
        /jobs\[0\] \(must-not-exist-job\)\.destinations\[0\]\.destination: 'nowhere' does not exist/,
      ],
      [
        'an invalid cron expression in a job',
        `${valid}${job('    schedule: { type: cron, expression: "61 * * * *" }\n')}`,
        /jobs\[0\] \(must-not-exist-job\).*'61 \* \* \* \*' is not a valid cron expression/,
      ],
      [
        'an unresolved ${env:X} reference',
        valid.replace('config: { path: /tmp/must-not-exist.db }', 'config:\n      path: ${env:X}'),
        /unresolved reference '\$\{env:X\}' at sources\[0\]\.config\.path/,
      ],
      [
        'a job timeout out of range',
        `${valid}${job('    timeout: 1s\n')}`,
        /jobs\[0\] \(must-not-exist-job\).*timeout must be between 10 seconds and 7 days/,
      ],
      [
        'a job with an unknown notification condition',
        `${valid}${job('    notifications: [{ channel: ops-hook, condition: sometimes }]\n')}`.replace(
          'destinations:\n  - name: must-not-exist-dest',
          'notificationChannels:\n  - name: ops-hook\n    customer: Should Not Exist\n    type: webhook\n    config: { url: "https://example.com/h" }\ndestinations:\n  - name: must-not-exist-dest',
        ),
        /jobs\[0\] \(must-not-exist-job\).*condition must be one of/,
      ],
      [
        'a job with a misspelt field',
        `${valid}${job('    schedul: { type: manual }\n')}`,
        /jobs\[0\] \(must-not-exist-job\).*schedul/,
      ],
      [
        'a job using a source of another customer',
        `${valid}${job('').replace('source: must-not-exist', 'source: app-db')}`,
        /jobs\[0\] \(must-not-exist-job\)\.source: 'app-db'/,
      ],
      [
        'an encryption profile with an invalid key',
        `${valid}encryptionProfiles:\n  - name: must-not-exist-key\n    customer: Should Not Exist\n    key: not-a-key\n`,
        /encryptionProfiles\[0\] \(must-not-exist-key\).*key/,
      ],
      [
        'a customer with an invalid time zone',
        `${valid.replace('  - name: Should Not Exist\n', '  - name: Should Not Exist\n    timezone: Mars/Olympus\n')}`,
        /customers\[0\] \(Should Not Exist\).*Mars\/Olympus/,
      ],
      [
        'a name with a slash',
        `${valid.replace('name: must-not-exist-dest', 'name: must/not')}`,
        /destinations\[0\].*must not contain/,
      ],
    ];

    it.each(cases)('%s', async (_what, yaml, message) => {
      const before = await snapshot();
      for (const dryRun of [true, false]) {
        const r = await apply(yaml, dryRun);
        expect(r.status, JSON.stringify(r.body)).toBe(400);
        expect(r.body.error.code).toBe('validation_failed');
        expect(r.body.error.message).toMatch(message);
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});
