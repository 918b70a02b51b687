import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { loadSourceAdapter } from '../../src/adapters/sources/registry.js';
import type { SourceAdapter, SourceContext } from '../../src/adapters/sources/source.contract.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const PORT = 5432;
// ':' and '\' need escaping in a pgpass file; space and '#' must survive too.
const PASSWORD = 'p:a\\ss w#rd';

/** A private scratch dir (0700) like the runner's, plus a log collector. */
async function makeCtx(signal = new AbortController().signal): Promise<SourceContext & { logs: string[] }> {
  const scratchDir = await mkdtemp(join(tmpdir(), 'kw-scratch-'));
  const logs: string[] = [];
  return { scratchDir, signal, logs, log: (level, message) => logs.push(`${level}: ${message}`) };
}

async function query<T extends pg.QueryResultRow>(
  sql: string,
  database = 'postgres',
  port = PORT,
  user = 'postgres',
): Promise<T[]> {
  const client = new pg.Client({ host: HOST, port, user, database });
  await client.connect().catch((err: Error) => {
    throw new Error(`PostgreSQL is needed on ${HOST}:${port} (user ${user}): ${err.message}`);
  });
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const FIXTURE = `
  CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL, note text, data bytea,
                      amount numeric(12,2), created timestamptz);
  INSERT INTO items (name, note, data, amount, created)
    SELECT 'Grüße 🎉 日本 ' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'note ' || i END,
           CASE WHEN i % 5 = 0 THEN NULL ELSE decode(md5(i::text) || '00ff', 'hex') END,
           i * 1.25, '2024-01-01'::timestamptz + i * interval '1 minute'
    FROM generate_series(1, 10000) AS i;
  CREATE TABLE tags (item_id int REFERENCES items(id), tag text);
  INSERT INTO tags SELECT i, 'tag' || (i % 13) FROM generate_series(1, 10000, 3) AS i;
  CREATE VIEW noted AS SELECT id FROM items WHERE note IS NOT NULL;
  CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql AS 'SELECT $1 * 2';`;

const FINGERPRINT = `
  SELECT (SELECT count(*) FROM items)::int AS items,
         (SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM items t) AS items_md5,
         (SELECT count(*) FILTER (WHERE note IS NULL) FROM items)::int AS null_notes,
         (SELECT md5(string_agg(t::text, '|' ORDER BY item_id, tag)) FROM tags t) AS tags_md5,
         (SELECT count(*) FROM noted)::int AS noted, twice(21) AS fn`;

async function dumpToFile(
  adapter: SourceAdapter,
  config: Record<string, unknown>,
  file: string,
  ctx: SourceContext,
): Promise<string> {
  const result = await adapter.dump(config, ctx);
  await pipeline(result.stream, createWriteStream(file));
  expect(await result.done).toEqual({ toolVersion: expect.stringMatching(/^pg_dump(all)? \(PostgreSQL\) 15/) });
  return result.extension;
}

describe('postgres source', () => {
  const id = randomBytes(4).toString('hex');
  const role = `kw_role_${id}`;
  const db = `kw_src_${id}`;
  const created: string[] = [];
  let adapter: SourceAdapter;
  let ctx: SourceContext & { logs: string[] };
  let config: Record<string, unknown>;

  beforeAll(async () => {
    adapter = await loadSourceAdapter('postgres');
    ctx = await makeCtx();
    await query(`CREATE ROLE ${role} LOGIN CREATEDB PASSWORD '${PASSWORD.replace(/'/g, "''")}'`);
    await query(`CREATE DATABASE ${db} OWNER ${role}`);
    created.push(db);
    await query(FIXTURE, db, PORT, role);
    config = { host: HOST, port: PORT, user: role, password: PASSWORD, database: db };
  });

  afterAll(async () => {
    for (const name of created)
      await query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`).catch(() => undefined);
    await query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await rm(ctx.scratchDir, { recursive: true, force: true });
  });

  it('test() connects and reports the server version', async () => {
    const result = await adapter.test(config, ctx);
    expect(result).toMatchObject({ ok: true, serverVersion: expect.stringMatching(/^15\./) });
    const bad = await adapter.test({ ...config, database: `kw_missing_${id}` }, ctx);
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/does not exist/) });
  });

  for (const format of ['plain', 'custom'] as const) {
    it(`dumps (${format}) and restores into a new database with identical data`, async () => {
      const file = join(ctx.scratchDir, `dump-${format}`);
      const extension = await dumpToFile(adapter, { ...config, format }, file, ctx);
      expect(extension).toBe(format === 'plain' ? 'sql' : 'pgdump');
      const head = (await readFile(file)).subarray(0, 64).toString('latin1');
      expect(head).toContain(format === 'plain' ? 'PostgreSQL database dump' : 'PGDMP');

      // The custom-format target has a name that needs quoting everywhere it is used.
      const target = format === 'plain' ? `${db}_plain` : `${db} "Cust'om\\"`;
      created.push(target);
      await adapter.restore(config, Readable.from(await readFile(file)), { ...ctx, targetDatabase: target, extension });
      expect(ctx.logs).toContain(`info: created database "${target}"`);
      expect(await query(FINGERPRINT, target)).toEqual(await query(FINGERPRINT, db));
      expect((await query(FINGERPRINT, target))[0]).toMatchObject({ items: 10000, null_notes: 1428, fn: 42 });
    });
  }

  it('writes the password only to a 0600 pgpass file inside the scratch dir, removed when done', async () => {
    const c = await makeCtx();
    const result = await adapter.dump(config, c);
    const files = await readdir(c.scratchDir);
    expect(files).toHaveLength(1);
    const passfile = join(c.scratchDir, files[0]!);
    expect((await stat(passfile)).mode & 0o777).toBe(0o600);
    expect(await readFile(passfile, 'utf8')).toBe('*:*:*:*:p\\:a\\\\ss w#rd\n');
    await pipeline(result.stream, createWriteStream('/dev/null'));
    await result.done;
    expect(await readdir(c.scratchDir)).toEqual([]);
    await rm(c.scratchDir, { recursive: true, force: true });
  });

  it("rejects done with pg_dump's message when the database does not exist", async () => {
    const result = await adapter.dump({ ...config, database: `kw_missing_${id}` }, ctx);
    await pipeline(result.stream, createWriteStream('/dev/null'));
    await expect(result.done).rejects.toThrow(
      new RegExp(`^pg_dump exited with code 1: .*database "kw_missing_${id}" does not exist`, 's'),
    );
  });

  it('kills pg_dump when the signal aborts', async () => {
    const ac = new AbortController();
    const c = await makeCtx(ac.signal);
    const result = await adapter.dump(config, c);
    // Nobody reads the stream: pg_dump blocks on a full pipe until it is killed.
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    await expect(result.done).rejects.toThrow(/^pg_dump was cancelled/);
    result.stream.destroy();
    await rm(c.scratchDir, { recursive: true, force: true });
  });

  it('refuses to restore a single-database dump without a database name, and foreign formats', async () => {
    const base = { ...ctx, extension: 'sql' };
    const dump = () => Readable.from([Buffer.from('--\n-- PostgreSQL database dump\n--\n')]);
    await expect(adapter.restore({ ...config, database: '*' }, dump(), base)).rejects.toThrow(ValidationError);
    await expect(adapter.restore(config, dump(), { ...base, extension: 'sqlite' })).rejects.toThrow(/cannot restore/);
  });

  it('fails a restore whose SQL errors, naming the error', async () => {
    const target = `${db}_broken`;
    created.push(target);
    const sql = Readable.from([Buffer.from('CREATE TABLE a (x int);\nINSERT INTO missing VALUES (1);\n')]);
    await expect(adapter.restore(config, sql, { ...ctx, targetDatabase: target, extension: 'sql' })).rejects.toThrow(
      /^psql exited with code 3: .*relation "missing" does not exist/s,
    );
  });
});

/**
 * A fake server that asks for a cleartext password and records it. The real server here uses
 * trust auth and would accept any password, so this is how we prove the tools really get it.
 */
async function passwordCatcher(): Promise<{ server: Server; port: number; passwords: string[] }> {
  const passwords: string[] = [];
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    let started = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (!started) {
          if (buf.length < 8) return;
          const len = buf.readInt32BE(0);
          if (buf.length < len) return;
          const code = buf.readInt32BE(4);
          buf = buf.subarray(len);
          if (code === 80877103 || code === 80877104) {
            socket.write('N'); // no SSL, no GSS encryption
            continue;
          }
          started = true;
          const auth = Buffer.alloc(9);
          auth.write('R', 0);
          auth.writeInt32BE(8, 1);
          auth.writeInt32BE(3, 5); // AuthenticationCleartextPassword
          socket.write(auth);
          continue;
        }
        if (buf.length < 5) return;
        const len = buf.readInt32BE(1);
        if (buf.length < len + 1) return;
        const type = buf[0];
        const body = buf.subarray(5, len + 1);
        buf = buf.subarray(len + 1);
        if (type !== 0x70) continue; // e.g. Terminate
        passwords.push(body.subarray(0, body.indexOf(0)).toString('utf8'));
        const fields = 'SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "kw"\0\0';
        const err = Buffer.alloc(5 + Buffer.byteLength(fields));
        err.write('E', 0);
        err.writeInt32BE(4 + Buffer.byteLength(fields), 1);
        err.write(fields, 5);
        socket.end(err);
        return;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, HOST, r));
  return { server, port: (server.address() as AddressInfo).port, passwords };
}

describe('postgres source password passing', () => {
  it('hands the password to pg_dump through the pgpass file and keeps it out of errors', async () => {
    const adapter = await loadSourceAdapter('postgres');
    const catcher = await passwordCatcher();
    const ctx = await makeCtx();
    try {
      const config = {
        host: HOST,
        port: catcher.port,
        user: 'kw',
        password: PASSWORD,
        database: 'app',
        sslmode: 'disable',
      };
      const result = await adapter.dump(config, ctx);
      await pipeline(result.stream, createWriteStream('/dev/null'));
      const err = (await result.done.catch((e: Error) => e)) as Error;
      expect(err.message).toMatch(/^pg_dump exited with code 1: .*password authentication failed/s);
      expect(err.message).not.toContain(PASSWORD);
      expect(catcher.passwords).toEqual([PASSWORD]);

      const tested = await adapter.test(config, ctx);
      expect(tested.ok).toBe(false);
      expect(tested.message).not.toContain(PASSWORD);
      expect(catcher.passwords).toEqual([PASSWORD, PASSWORD]);
    } finally {
      catcher.server.close();
      await rm(ctx.scratchDir, { recursive: true, force: true });
    }
  });
});

/**
 * pg_dumpall dumps every database of a server, and its restore recreates them all, so it runs
 * against a throwaway cluster of its own: the shared server holds other tests' databases.
 */
describe('postgres source, all databases (pg_dumpall)', () => {
  const bin = '/usr/lib/postgresql/15/bin';
  let base: string;
  let port: number;
  const asPostgres = (cmd: string, args: string[]) =>
    process.getuid?.() === 0
      ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args])
      : run(join(bin, cmd), args);

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'kw-pgcluster-'));
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(base, Number(stdout), Number(gid));
    }
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, HOST, r));
    port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await asPostgres('initdb', [
      '-D',
      join(base, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]).catch((err: Error) => {
      throw new Error(`initdb (PostgreSQL 15 server binaries in ${bin}) is needed for this test: ${err.message}`);
    });
    await asPostgres('pg_ctl', [
      '-D',
      join(base, 'data'),
      '-w',
      '-l',
      join(base, 'log'),
      '-o',
      `-p ${port} -k ${base} -c listen_addresses=${HOST} -c fsync=off`,
      'start',
    ]);
  }, 60_000);

  afterAll(async () => {
    await asPostgres('pg_ctl', ['-D', join(base, 'data'), '-m', 'immediate', 'stop']).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  });

  it('dumps every database and restores them onto a server that lost one', async () => {
    const adapter = await loadSourceAdapter('postgres');
    const ctx = await makeCtx();
    await query(`CREATE ROLE appuser LOGIN PASSWORD 'x'`, 'postgres', port);
    await query('CREATE DATABASE appdb OWNER appuser', 'postgres', port);
    await query(FIXTURE, 'appdb', port, 'appuser');
    const before = await query(FINGERPRINT, 'appdb', port);
    const config = { host: HOST, port, user: 'postgres', password: PASSWORD, database: '*' };

    const file = join(ctx.scratchDir, 'all.sql');
    expect(await dumpToFile(adapter, config, file, ctx)).toBe('sql');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('PostgreSQL database cluster dump');
    expect(text).toMatch(/CREATE DATABASE appdb/);

    await query('DROP DATABASE appdb', 'postgres', port);
    await query('DROP ROLE appuser', 'postgres', port);
    await expect(
      adapter.restore(config, Readable.from(await readFile(file)), { ...ctx, targetDatabase: 'x', extension: 'sql' }),
    ).rejects.toThrow(ValidationError);
    await adapter.restore(config, Readable.from(await readFile(file)), { ...ctx, extension: 'sql' });
    expect(await query(FINGERPRINT, 'appdb', port)).toEqual(before);

    // Restoring again onto a server that has it all is a conflict, reported, not ignored.
    await expect(
      adapter.restore(config, Readable.from(await readFile(file)), { ...ctx, extension: 'sql' }),
    ).rejects.toThrow(/psql reported \d+ error\(s\) restoring all databases:.*already exists/s);
    await rm(ctx.scratchDir, { recursive: true, force: true });
  }, 60_000);
});
