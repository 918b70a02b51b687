import { execFileSync } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecompressStream } from '../../src/compression/compression.js';
import type { CompressionAlgorithm } from '../../src/core/domain.js';
import { createDecryptStream, readBackupHeader } from '../../src/crypto/backup-stream.js';
import { parseKeyFile } from '../../src/crypto/keys.js';
import { createPgDatabase, mysqlExec, PG_ADMIN_URL, pgQuery, uniqueName } from '../helpers/databases.js';
import { DIALECTS, startTestApp, type TestApp } from '../helpers/test-app.js';
import { sha256, filesUnder, create, runJob, type Run, type Backup } from '../helpers/pipeline-api.js';

// ── helpers ──────────────────────────────────────────────────────────────────────────────────

/** The recovery path as `keepwatch backup decrypt` does it: key file + the stored bytes only. */
async function decodeStored(
  stored: Buffer,
  opts: { encrypted: boolean; compression: CompressionAlgorithm; kit?: string },
): Promise<Buffer> {
  const key = opts.kit ? parseKeyFile(opts.kit) : undefined;
  const out: Buffer[] = [];
  const stages: NodeJS.ReadWriteStream[] = [];
  if (opts.encrypted) {
    stages.push(createDecryptStream({ keyFor: (id) => (key && id.equals(key.keyId) ? key.key : undefined) }));
  }
  stages.push(createDecompressStream(opts.compression));
  await pipeline([
    Readable.from([stored]),
    ...stages,
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk);
        cb();
      },
    }),
  ]);
  return Buffer.concat(out);
}

/** GET a binary body (the JSON helper would decode it as UTF-8). */
async function download(
  t: TestApp,
  id: number,
  raw: boolean | '1',
): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  const res = await t.app.http.inject({
    method: 'GET',
    url: `/api/backups/${id}/download${raw === false ? '' : `?raw=${raw === '1' ? '1' : 'true'}`}`,
    headers: { authorization: `Bearer ${t.token}` },
  });
  return { status: res.statusCode, body: res.rawPayload, headers: res.headers };
}

async function restore(t: TestApp, backupId: number, body: Record<string, unknown>): Promise<Run> {
  const r = await t.call<Run>('POST', `/api/backups/${backupId}/restore`, body);
  if (r.status !== 201) throw new Error(`restore ${backupId}: ${r.status} ${JSON.stringify(r.body)}`);
  return t.waitForRun(r.body.id);
}

const STEPS_OK = ['initialize', 'dump', 'upload', 'verify', 'complete', 'retention'].map((s) => `${s}:done`);
const stepsOf = (run: Run) => run.steps.map((s) => `${s.name}:${s.status}`);

// ── fixtures ─────────────────────────────────────────────────────────────────────────────────

const PG_FIXTURE = `
  create table items (id int primary key, name text not null, note text, data bytea, amount numeric(12,2));
  insert into items
    select i, 'Grüße 🎉 日本 ' || i, case when i % 7 = 0 then null else 'note ' || i end,
           case when i % 5 = 0 then null else decode(md5(i::text) || '00ff', 'hex') end, i * 1.25
    from generate_series(1, 3000) i;
  create table empty_one (x int);`;
const PG_FINGERPRINT = `
  select count(*)::int as n,
         md5(string_agg(id || '|' || name || '|' || coalesce(note, '~') || '|' || coalesce(encode(data, 'hex'), '~')
                        || '|' || amount, ',' order by id)) as h,
         (select count(*)::int from information_schema.tables where table_name = 'empty_one') as extra
  from items`;
const pgUrl = (db: string) => {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
};
const pgFingerprint = async (db: string) => (await pgQuery(pgUrl(db), PG_FINGERPRINT))[0];
const dropPg = (db: string) => pgQuery(PG_ADMIN_URL, `drop database if exists "${db}" with (force)`);

const SQLITE_FIXTURE = `
  create table t (id integer primary key, name text not null, data blob);
  with recursive c(i) as (select 1 union all select i + 1 from c where i < 2000)
    insert into t select i, 'Grüße 🎉 日本 ' || i, case when i % 5 = 0 then null else randomblob(24) end from c;`;
const sqliteFingerprint = (file: string) =>
  sha256(
    execFileSync('sqlite3', [file, "select id, name, coalesce(hex(data), '~') from t order by id"], {
      encoding: 'buffer',
      maxBuffer: 64 << 20,
    }),
  ) + `/${execFileSync('sqlite3', [file, 'select count(*) from t'], { encoding: 'utf8' }).trim()}`;

/** A fresh plain pg_dump, with the per-dump random \restrict keys of PostgreSQL ≥ 15.14 removed. */
const normalizeDump = (s: string) =>
  s
    .split('\n')
    .filter((l) => !/^\\(un)?restrict /.test(l))
    .join('\n');
function freshPgDump(db: string): string {
  const u = new URL(PG_ADMIN_URL);
  return execFileSync('pg_dump', ['--no-password', '--format=plain'], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: u.username, PGDATABASE: db },
  });
}

// ── the main round trip, on both state databases ─────────────────────────────────────────────

describe.each(DIALECTS)('backup → verify → download → restore, PostgreSQL source (state on %s)', (dialect) => {
  let t: TestApp;
  let src: { name: string; url: string; drop(): Promise<void> };
  const restoredDb = uniqueName('kwrestored');

  beforeAll(async () => {
    t = await startTestApp(dialect);
    src = await createPgDatabase('kwrtsrc');
    await pgQuery(src.url, PG_FIXTURE);
  });
  afterAll(async () => {
    await t?.close();
    await src?.drop();
    await dropPg(restoredDb);
  });

  it('stores identical copies on two destinations, with sidecars, and restores into a new database', async () => {
    const dirA = path.join(t.dataDir, 'dest-a');
    const dirB = path.join(t.dataDir, 'dest-b');
    await create(t, '/api/sources', {
      name: 'pg',
      kind: 'postgres',
      config: { host: '127.0.0.1', port: 5432, user: 'postgres', database: src.name, format: 'plain' },
    });
    await create(t, '/api/destinations', { name: 'a', kind: 'local', config: { path: dirA } });
    await create(t, '/api/destinations', { name: 'b', kind: 'local', config: { path: dirB } });
    const profile = await create(t, '/api/encryption-profiles', { name: 'rt-key' });
    const kit = (await t.call('POST', `/api/encryption-profiles/${profile.id}/export`)).body.kit as string;
    expect(kit).toContain('key:');
    const job = await create(t, '/api/jobs', {
      name: 'pg-roundtrip',
      source: 'pg',
      destinations: [{ destination: 'a' }, { destination: 'b' }],
      compression: { algorithm: 'zstd', level: 5 },
      encryptionProfile: 'rt-key',
    });

    const run = await runJob(t, job.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('success');
    expect(stepsOf(run)).toEqual(STEPS_OK);
    expect(run.backupIds).toHaveLength(2);

    const list = (await t.call<{ items: Backup[] }>('GET', `/api/backups?jobId=${job.id}`)).body.items;
    expect(list.map((b) => b.destination.name).sort()).toEqual(['a', 'b']);
    const [b1, b2] = list as [Backup, Backup];
    expect(b1.key).toBe(b2.key);
    expect(b1.sha256).toBe(b2.sha256);
    expect(b1.key).toMatch(/^default\/pg-roundtrip\/\d{8}T\d{6}Z-run\d+\.sql\.zst\.kwe$/);
    const keyId = parseKeyFile(kit).keyId.toString('hex');

    for (const b of list) {
      const dir = b.destination.name === 'a' ? dirA : dirB;
      // Only the artifact and its sidecar: no partial, no temporary copy left behind.
      expect(await filesUnder(dir)).toEqual([b.key, `${b.key}.meta.json`]);
      const stored = await readFile(path.join(dir, b.key));
      expect(b).toMatchObject({
        runId: run.id,
        jobId: job.id,
        size: stored.length,
        sha256: sha256(stored),
        compression: 'zstd',
        encrypted: true,
        keyId,
      });
      expect(b.verifiedAt).not.toBeNull();
      expect(readBackupHeader(stored).keyId.toString('hex')).toBe(keyId);

      const sidecar = JSON.parse(await readFile(path.join(dir, `${b.key}.meta.json`), 'utf8'));
      expect(sidecar).toMatchObject({
        format: 'keepwatch-backup-metadata/1',
        job: { id: job.id, name: 'pg-roundtrip' },
        run: { id: run.id, trigger: 'manual' },
        source: { name: 'pg', kind: 'postgres', database: src.name },
        rawSize: b.rawSize,
        size: stored.length,
        sha256: b.sha256,
        compression: { algorithm: 'zstd', level: 5 },
        encryption: { algorithm: 'AES-256-GCM', keyId },
        extension: 'sql',
        createdAt: b.createdAt,
      });
      expect(sidecar.tools.dump).toMatch(/pg_dump.*15/);

      // Decodable with the recovery kit alone, and equal to what the server hands out.
      const plain = await decodeStored(stored, { encrypted: true, compression: 'zstd', kit });
      expect(plain.length).toBe(b.rawSize);
      const dl = await download(t, b.id, false);
      expect(dl.status).toBe(200);
      expect(sha256(dl.body)).toBe(sha256(plain));
      const raw = await download(t, b.id, true);
      expect(raw.status).toBe(200);
      expect(sha256(raw.body)).toBe(b.sha256);
      expect(normalizeDump(plain.toString('utf8'))).toBe(normalizeDump(freshPgDump(src.name)));
      expect(String(dl.headers['content-disposition'])).toMatch(/filename="\d{8}T\d{6}Z-run\d+\.sql"/);
    }
    // Progress: every dumped byte was counted, and the bytes written are the stored size.
    expect(run.bytesRead).toBe(b1.rawSize);
    expect(run.bytesWritten).toBe(b1.size);

    const verify = await t.call('POST', `/api/backups/${b1.id}/verify`);
    expect(verify.status).toBe(201);
    const verified = await t.waitForRun(verify.body.id);
    expect(verified.status).toBe('success');
    expect(verified.bytesRead).toBe(b1.rawSize);

    const restored = await restore(t, b2.id, { source: 'pg', database: restoredDb });
    expect(restored.error).toBeNull();
    expect(restored.status).toBe('success');
    expect(restored.operation).toBe('restore');
    expect(await pgFingerprint(restoredDb)).toEqual(await pgFingerprint(src.name));
    expect((await pgFingerprint(restoredDb))!.n).toBe(3000);
  });
});

// ── every engine, every compression ──────────────────────────────────────────────────────────

describe('round trips per engine and per compression (state on sqlite)', () => {
  let t: TestApp;
  let pgSrc: { name: string; url: string; drop(): Promise<void> };
  const pgRestored = uniqueName('kwrestored');
  const my = { db: uniqueName('kwmy'), restored: uniqueName('kwmyr'), user: uniqueName('kwu'), password: 'p"w#d x' };
  let sqliteSrc = '';
  let kit = '';

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    pgSrc = await createPgDatabase('kwrtsrc');
    await pgQuery(pgSrc.url, PG_FIXTURE);
    sqliteSrc = path.join(t.dataDir, 'app.db');
    execFileSync('sqlite3', [sqliteSrc, SQLITE_FIXTURE]);
    const lit = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    mysqlExec(`CREATE DATABASE \`${my.db}\` CHARACTER SET utf8mb4;
      CREATE USER '${my.user}'@'127.0.0.1' IDENTIFIED BY ${lit(my.password)};
      GRANT ALL ON \`${my.db}\`.* TO '${my.user}'@'127.0.0.1';
      GRANT ALL ON \`${my.restored}\`.* TO '${my.user}'@'127.0.0.1';`);
    mysqlExec(
      `SET NAMES utf8mb4;
       CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(200) NOT NULL, data BLOB NULL) DEFAULT CHARSET=utf8mb4;
       INSERT INTO items SELECT seq, CONCAT('Grüße 🎉 日本 ', seq), IF(seq % 5 = 0, NULL, UNHEX(CONCAT(MD5(seq), '00ff')))
         FROM seq_1_to_2000;`,
      my.db,
    );
    await create(t, '/api/destinations', { name: 'disk', kind: 'local', config: { path: path.join(t.dataDir, 'bk') } });
    const profile = await create(t, '/api/encryption-profiles', { name: 'k' });
    kit = (await t.call('POST', `/api/encryption-profiles/${profile.id}/export`)).body.kit;
  });
  afterAll(async () => {
    await t?.close();
    await pgSrc?.drop();
    await dropPg(pgRestored);
    mysqlExec(
      `DROP DATABASE IF EXISTS \`${my.db}\`; DROP DATABASE IF EXISTS \`${my.restored}\`; DROP USER IF EXISTS '${my.user}'@'127.0.0.1';`,
    );
  });

  it('PostgreSQL custom format: backup, restore into another database name', async () => {
    await create(t, '/api/sources', {
      name: 'pg-custom',
      kind: 'postgres',
      config: { host: '127.0.0.1', user: 'postgres', database: pgSrc.name, format: 'custom' },
    });
    await create(t, '/api/jobs', {
      name: 'pg-custom',
      source: 'pg-custom',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: 'gzip', level: 4 },
    });
    const run = await runJob(t, 'pg-custom');
    expect(run.status).toBe('success');
    const b = (await t.call<Backup>('GET', `/api/backups/${run.backupIds[0]}`)).body;
    expect(b.key).toMatch(/\.pgdump\.gz$/);
    expect(b.encrypted).toBe(false);
    expect(b.keyId).toBeNull();
    const stored = await readFile(path.join(t.dataDir, 'bk', b.key));
    const plain = await decodeStored(stored, { encrypted: false, compression: 'gzip' });
    expect(plain.subarray(0, 5).toString()).toBe('PGDMP'); // custom-format archive
    expect(plain.length).toBe(b.rawSize);

    const restored = await restore(t, b.id, { source: 'pg-custom', database: pgRestored });
    expect(restored.error).toBeNull();
    expect(restored.status).toBe('success');
    expect(await pgFingerprint(pgRestored)).toEqual(await pgFingerprint(pgSrc.name));
  });

  it('MariaDB: backup with a password, restore under another database name', async () => {
    const src = await create(t, '/api/sources', {
      name: 'maria',
      kind: 'mysql',
      config: { host: '127.0.0.1', user: my.user, password: my.password, database: my.db },
    });
    expect(JSON.stringify(src)).not.toContain(my.password);
    await create(t, '/api/jobs', {
      name: 'maria',
      source: 'maria',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: 'zstd', level: 3 },
      encryptionProfile: 'k',
    });
    const run = await runJob(t, 'maria');
    expect(run.error).toBeNull();
    expect(run.status).toBe('success');
    const b = (await t.call<Backup>('GET', `/api/backups/${run.backupIds[0]}`)).body;
    const plain = await decodeStored(await readFile(path.join(t.dataDir, 'bk', b.key)), {
      encrypted: true,
      compression: 'zstd',
      kit,
    });
    expect(plain.toString('utf8')).toContain('CREATE TABLE `items`');
    expect(plain.toString('utf8')).not.toContain(my.password);
    const logs = (await t.call('GET', `/api/runs/${run.id}/logs`)).body.items as { message: string }[];
    expect(logs.map((l) => l.message).join('\n')).not.toContain(my.password);

    const restored = await restore(t, b.id, { source: 'maria', database: my.restored });
    expect(restored.error).toBeNull();
    expect(restored.status).toBe('success');
    const fp = `SET NAMES utf8mb4; SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, name, IFNULL(HEX(data), '~')))), MAX(HEX(name)) FROM items`;
    expect(mysqlExec(fp, my.restored)).toBe(mysqlExec(fp, my.db));
    expect(mysqlExec('SELECT COUNT(*) FROM items', my.restored).trim()).toBe('2000');
  });

  it('SQLite: backup, restore into another file', async () => {
    await create(t, '/api/sources', { name: 'lite', kind: 'sqlite', config: { path: sqliteSrc } });
    await create(t, '/api/jobs', {
      name: 'lite',
      source: 'lite',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: 'brotli', level: 5 },
      encryptionProfile: 'k',
    });
    const run = await runJob(t, 'lite');
    expect(run.status).toBe('success');
    const b = (await t.call<Backup>('GET', `/api/backups/${run.backupIds[0]}`)).body;
    expect(b.key).toMatch(/\.sqlite\.br\.kwe$/);
    const restored = await restore(t, b.id, { source: 'lite', database: 'restored-copy.db' });
    expect(restored.error).toBeNull();
    expect(restored.status).toBe('success');
    const copy = path.join(t.dataDir, 'restored-copy.db');
    expect(sqliteFingerprint(copy)).toBe(sqliteFingerprint(sqliteSrc));
    expect(sqliteFingerprint(copy)).toMatch(/\/2000$/);
  });

  const MATRIX: { algorithm: CompressionAlgorithm; level?: number; ext: string }[] = [
    { algorithm: 'none', ext: '' },
    { algorithm: 'gzip', level: 9, ext: '.gz' },
    { algorithm: 'brotli', level: 3, ext: '.br' },
    { algorithm: 'zstd', level: 12, ext: '.zst' },
  ];
  const CASES = MATRIX.flatMap((c) => [
    { ...c, encrypted: false },
    { ...c, encrypted: true },
  ]);

  it.each(CASES)('compression $algorithm (level $level), encrypted: $encrypted', async (c) => {
    const name = `m-${c.algorithm}-${c.encrypted ? 'enc' : 'plain'}`;
    const job = await create(t, '/api/jobs', {
      name,
      source: 'lite',
      destinations: [{ destination: 'disk' }],
      compression: { algorithm: c.algorithm, ...(c.level !== undefined ? { level: c.level } : {}) },
      ...(c.encrypted ? { encryptionProfile: 'k' } : {}),
    });
    expect(job.compression).toEqual({ algorithm: c.algorithm, ...(c.level !== undefined ? { level: c.level } : {}) });
    const run = await runJob(t, job.id);
    expect(run.error).toBeNull();
    expect(run.status).toBe('success');
    expect(stepsOf(run)).toEqual(STEPS_OK);
    const b = (await t.call<Backup>('GET', `/api/backups/${run.backupIds[0]}`)).body;
    expect(b.key.endsWith(`.sqlite${c.ext}${c.encrypted ? '.kwe' : ''}`)).toBe(true);
    const file = path.join(t.dataDir, 'bk', b.key);
    const stored = await readFile(file);
    expect(b).toMatchObject({
      size: stored.length,
      sha256: sha256(stored),
      compression: c.algorithm,
      encrypted: c.encrypted,
    });
    expect(b.keyId === null).toBe(!c.encrypted);
    expect(run.bytesRead).toBe(b.rawSize);
    expect(run.bytesWritten).toBe(b.size);
    if (c.algorithm !== 'none') expect(b.size).toBeLessThan(b.rawSize);
    else if (!c.encrypted) expect(b.size).toBe(b.rawSize);
    if (c.encrypted) {
      expect(stored.subarray(0, 8).toString('latin1')).toBe('KWBACKUP');
      // Without the key, the recovery path refuses; with the kit it works.
      await expect(decodeStored(stored, { encrypted: true, compression: c.algorithm })).rejects.toThrow();
    }
    const sidecar = JSON.parse(await readFile(`${file}.meta.json`, 'utf8'));
    expect(sidecar).toMatchObject({ sha256: b.sha256, rawSize: b.rawSize, size: b.size, extension: 'sqlite' });
    expect(sidecar.compression.algorithm).toBe(c.algorithm);
    expect(sidecar.encryption === null).toBe(!c.encrypted);

    const plain = await decodeStored(stored, { encrypted: c.encrypted, compression: c.algorithm, kit });
    expect(plain.length).toBe(b.rawSize);
    expect(plain.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
    const dl = await download(t, b.id, false);
    expect(dl.status).toBe(200);
    expect(dl.body.equals(plain)).toBe(true);
    const raw = await download(t, b.id, true);
    expect(raw.body.equals(stored)).toBe(true);
    // The decoded snapshot is a working copy of the source database.
    const copy = path.join(t.dataDir, `${name}.db`);
    await writeFile(copy, plain);
    expect(sqliteFingerprint(copy)).toBe(sqliteFingerprint(sqliteSrc));
    expect((await stat(copy)).size).toBe(b.rawSize);
  });

  it('GET /download?raw=1 (as documented in docs/api-contract.md) returns the stored bytes', async () => {
    const b = (await t.call<{ items: Backup[] }>('GET', '/api/backups')).body.items[0]!;
    const raw = await download(t, b.id, '1');
    expect(raw.status).toBe(200);
    expect(sha256(raw.body)).toBe(b.sha256);
  });

  it('leaves no scratch directory behind', async () => {
    expect(await readdir(path.join(t.dataDir, 'tmp'))).toEqual([]);
    expect(await readdir(path.join(t.dataDir, 'bk', '.keepwatch-partial'))).toEqual([]);
  });
});
