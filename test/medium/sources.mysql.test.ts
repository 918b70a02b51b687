import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSourceAdapter } from '../../src/adapters/sources/registry.js';
import type { SourceAdapter, SourceContext } from '../../src/adapters/sources/source.contract.js';

const run = promisify(execFile);
const HOST = '127.0.0.1';
const PORT = 3306;
// Every character the option-file quoting has to get right: " \ # space '
const PASSWORD = `p"a\\ss#w rd'x`;

/** A private scratch dir (0700) like the runner's, plus a log collector. */
async function makeCtx(signal = new AbortController().signal): Promise<SourceContext & { logs: string[] }> {
  const scratchDir = await mkdtemp(join(tmpdir(), 'kw-scratch-'));
  const logs: string[] = [];
  return { scratchDir, signal, logs, log: (level, message) => logs.push(`${level}: ${message}`) };
}

/** Runs SQL through the CLI (no npm MySQL client here); the password goes by MYSQL_PWD, not argv. */
async function sql(query: string, opts: { db?: string; user?: string; password?: string } = {}): Promise<string[][]> {
  const args = [
    '-h',
    HOST,
    '-P',
    String(PORT),
    '-u',
    opts.user ?? 'root',
    '--batch',
    '--skip-column-names',
    '-e',
    query,
  ];
  if (opts.db) args.push('--database', opts.db);
  try {
    const { stdout } = await run('mariadb', args, { env: { ...process.env, MYSQL_PWD: opts.password ?? '' } });
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
  } catch (err) {
    throw new Error(`MariaDB is needed on ${HOST}:${PORT} (root, empty password): ${(err as Error).message}`);
  }
}

const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const DIGITS =
  '(SELECT 0 n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
const FIXTURE = `
  CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL, note TEXT NULL,
                      data BLOB NULL, amount DECIMAL(12,2)) DEFAULT CHARSET=utf8mb4;
  INSERT INTO items (name, note, data, amount)
    SELECT CONCAT('Grüße 🎉 日本 ', i), IF(i % 7 = 0, NULL, CONCAT('note ', i)),
           IF(i % 5 = 0, NULL, UNHEX(CONCAT(MD5(i), '00ff'))), i * 1.25
    FROM (SELECT a.n * 1000 + b.n * 100 + c.n * 10 + d.n + 1 AS i
          FROM ${DIGITS} a, ${DIGITS} b, ${DIGITS} c, ${DIGITS} d) s ORDER BY i;
  CREATE TABLE audit (n INT);
  CREATE TRIGGER items_ai AFTER INSERT ON items FOR EACH ROW INSERT INTO audit VALUES (NEW.id);
  CREATE PROCEDURE twice(IN x INT) SELECT x * 2;
  CREATE EVENT cleanup ON SCHEDULE EVERY 1 DAY DO DELETE FROM audit WHERE n < 0;
  CREATE VIEW noted AS SELECT id FROM items WHERE note IS NOT NULL;`;

const FINGERPRINT = `
  SELECT COUNT(*), SUM(CRC32(CONCAT_WS('|', id, name, IFNULL(note, '~'), IFNULL(HEX(data), '~'), amount))),
         SUM(note IS NULL), MAX(HEX(name)),
         (SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()),
         (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()),
         (SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()),
         (SELECT COUNT(*) FROM noted)
  FROM items`;

describe('mysql source (MariaDB)', () => {
  const id = randomBytes(4).toString('hex');
  const user = `kw_u_${id}`;
  const db = `kw_my_${id}`;
  const restored = `${db}_r`;
  let adapter: SourceAdapter;
  let ctx: SourceContext & { logs: string[] };
  let config: Record<string, unknown>;

  beforeAll(async () => {
    adapter = await loadSourceAdapter('mysql');
    ctx = await makeCtx();
    // skip_name_resolve is on, so a TCP client from loopback is user@'127.0.0.1'.
    await sql(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY ${literal(PASSWORD)};
               CREATE DATABASE ${db} CHARACTER SET utf8mb4;
               GRANT ALL ON \`${db}\`.* TO '${user}'@'127.0.0.1';
               GRANT ALL ON \`${restored}\`.* TO '${user}'@'127.0.0.1';`);
    // Created as the test user, so DEFINER clauses in the dump name a user that may restore them.
    await sql(FIXTURE, { db, user, password: PASSWORD });
    config = { host: HOST, port: PORT, user, password: PASSWORD, database: db };
  });

  afterAll(async () => {
    await sql(
      `DROP DATABASE IF EXISTS ${db}; DROP DATABASE IF EXISTS ${restored}; DROP USER IF EXISTS '${user}'@'127.0.0.1';`,
    ).catch(() => undefined);
    await rm(ctx.scratchDir, { recursive: true, force: true });
  });

  it('test() connects with the option file and reports the server version', async () => {
    await expect(adapter.test(config, ctx)).resolves.toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/MariaDB/),
    });
    const bad = await adapter.test({ ...config, password: 'wrong-pass-123' }, ctx);
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/Access denied/) });
    expect(bad.message).not.toContain('wrong-pass-123');
    expect(await readdir(ctx.scratchDir)).toEqual([]);
  });

  it('dumps and restores under another database name with identical data, routines, triggers and events', async () => {
    const file = join(ctx.scratchDir, 'dump.sql');
    const result = await adapter.dump(config, ctx);
    expect(result.extension).toBe('sql');
    await pipeline(result.stream, createWriteStream(file));
    expect(await result.done).toEqual({ toolVersion: expect.stringMatching(/mariadb-dump|mysqldump/) });
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/CREATE DATABASE|^USE /m);
    expect(text).not.toContain(PASSWORD);

    await adapter.restore(config, Readable.from(await readFile(file)), {
      ...ctx,
      targetDatabase: restored,
      extension: 'sql',
    });
    const original = await sql(FINGERPRINT, { db });
    expect(await sql(FINGERPRINT, { db: restored })).toEqual(original);
    expect(original[0]?.slice(0, 1)).toEqual(['10000']);
    expect(original[0]?.slice(2, 3)).toEqual(['1428']);
    expect(original[0]?.slice(4, 8)).toEqual(['1', '1', '1', '8572']);
  });

  it('writes the password only to a 0600 option file inside the scratch dir, removed when done', async () => {
    const c = await makeCtx();
    const result = await adapter.dump(config, c);
    const files = await readdir(c.scratchDir);
    expect(files).toHaveLength(1);
    const file = join(c.scratchDir, files[0]!);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain('password="p\\"a\\\\ss#w rd\'x"');
    await pipeline(result.stream, createWriteStream('/dev/null'));
    await result.done;
    expect(await readdir(c.scratchDir)).toEqual([]);
    await rm(c.scratchDir, { recursive: true, force: true });
  });

  it('rejects done when the database does not exist', async () => {
    // As root (no password at all): a plain user would only be told "access denied".
    const result = await adapter.dump({ host: HOST, port: PORT, user: 'root', database: `kw_missing_${id}` }, ctx);
    await pipeline(result.stream, createWriteStream('/dev/null'));
    await expect(result.done).rejects.toThrow(/^(mariadb-dump|mysqldump) exited with code 2: .*Unknown database/s);
  });

  it('rejects done on a wrong password without revealing it', async () => {
    const wrong = 'Wr0ng#"pass\\word';
    const result = await adapter.dump({ ...config, password: wrong }, ctx);
    await pipeline(result.stream, createWriteStream('/dev/null'));
    const err = (await result.done.catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/exited with code 2: .*Access denied for user/s);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(PASSWORD);
  });

  it('kills the dump tool when the signal aborts', async () => {
    const ac = new AbortController();
    const c = await makeCtx(ac.signal);
    const result = await adapter.dump(config, c);
    await new Promise((r) => setTimeout(r, 300)); // blocked on a pipe nobody reads
    ac.abort();
    await expect(result.done).rejects.toThrow(/^(mariadb-dump|mysqldump) was cancelled/);
    result.stream.destroy();
    await rm(c.scratchDir, { recursive: true, force: true });
  });

  it('fails a restore whose SQL errors', async () => {
    const input = Readable.from([Buffer.from('CREATE TABLE a (x INT);\nINSERT INTO missing VALUES (1);\n')]);
    await expect(
      adapter.restore(config, input, { ...ctx, targetDatabase: restored, extension: 'sql' }),
    ).rejects.toThrow(/^mariadb exited with code 1: .*missing' doesn't exist/s);
  });
});
