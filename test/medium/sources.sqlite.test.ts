import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSourceAdapter } from '../../src/adapters/sources/registry.js';
import type { SourceAdapter, SourceContext } from '../../src/adapters/sources/source.contract.js';

/** A private scratch dir (0700) like the runner's, plus a log collector. */
async function makeCtx(signal = new AbortController().signal): Promise<SourceContext & { logs: string[] }> {
  const scratchDir = await mkdtemp(join(tmpdir(), 'kw-scratch-'));
  const logs: string[] = [];
  return { scratchDir, signal, logs, log: (level, message) => logs.push(`${level}: ${message}`) };
}

let dir: string;
let ctx: SourceContext & { logs: string[] };
let adapter: SourceAdapter;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kw-sqlite-'));
  ctx = await makeCtx();
  adapter = await loadSourceAdapter('sqlite');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(ctx.scratchDir, { recursive: true, force: true });
});

function createFixture(path: string, rows = 10_000): void {
  const db = new Database(path);
  db.exec(`CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, data BLOB);
           CREATE INDEX items_name ON items(name);
           CREATE VIEW named AS SELECT id, name FROM items WHERE note IS NOT NULL;`);
  const insert = db.prepare('INSERT INTO items (name, note, data) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      insert.run(`Grüße 🎉 日本 ${i}`, i % 7 === 0 ? null : `note ${i}`, i % 5 === 0 ? null : randomBytes(64));
    }
  })();
  db.close();
}

function fingerprint(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT count(*) AS n, sum(length(name)) AS chars, count(note) AS notes,
                group_concat(hex(data), '') AS blobs, (SELECT count(*) FROM named) AS viewed
         FROM (SELECT * FROM items ORDER BY id)`,
      )
      .get();
  } finally {
    db.close();
  }
}

async function dumpToFile(config: Record<string, unknown>, file: string, c = ctx): Promise<void> {
  const result = await adapter.dump(config, c);
  expect(result.extension).toBe('sqlite');
  await pipeline(result.stream, createWriteStream(file));
  expect(await result.done).toEqual({ toolVersion: expect.stringMatching(/^SQLite 3\./) });
}

describe('sqlite source', () => {
  it('test() reports the version and tells a database from another file', async () => {
    const path = join(dir, 'app.db');
    createFixture(path, 10);
    await expect(adapter.test({ path }, ctx)).resolves.toMatchObject({
      ok: true,
      serverVersion: expect.stringMatching(/^3\./),
    });
    await writeFile(join(dir, 'notes.txt'), 'x'.repeat(1000));
    const bad = await adapter.test({ path: join(dir, 'notes.txt') }, ctx);
    expect(bad).toMatchObject({ ok: false, message: expect.stringMatching(/not a database/) });
    expect((await adapter.test({ path: join(dir, 'missing.db') }, ctx)).ok).toBe(false);
  });

  it('dumps and restores under another name with identical data', async () => {
    const path = join(dir, 'app.db');
    createFixture(path);
    const dumpFile = join(dir, 'dump.sqlite');
    await dumpToFile({ path }, dumpFile);
    // The snapshot was unlinked once open: nothing is left in the scratch dir.
    expect(await readdir(ctx.scratchDir)).toEqual([]);

    const restoreCtx = { ...ctx, targetDatabase: 'restored.db', extension: 'sqlite' };
    await adapter.restore({ path }, Readable.from(await readFile(dumpFile)), restoreCtx);
    expect(fingerprint(join(dir, 'restored.db'))).toEqual(fingerprint(path));
    expect((await readdir(dir)).filter((f) => f.includes('.restore-'))).toEqual([]);
  });

  it('takes a consistent snapshot of a database being written concurrently (WAL and rollback journal)', async () => {
    for (const mode of ['wal', 'delete']) {
      const path = join(dir, `busy-${mode}.db`);
      const db = new Database(path);
      db.pragma(`journal_mode = ${mode}`);
      // Invariant kept by every writer transaction: sum(amount) = 0 and rows = 2 * counter.
      db.exec(`CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, pad BLOB);
               CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0);`);
      // ~20 MB of balanced rows, so the backup takes many steps while the writer keeps going.
      db.exec(`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 20000)
               INSERT INTO ledger (amount, pad) SELECT CASE i % 2 WHEN 0 THEN i ELSE -(i + 1) END, randomblob(1000) FROM s;
               UPDATE counter SET n = 10000;`);
      db.close();
      const writer = startWriter(path);
      try {
        await waitForRows(path, 10_050);
        const before = readCounter(path);
        const dumpFile = join(dir, `busy-${mode}.sqlite`);
        await dumpToFile({ path }, dumpFile);
        const after = readCounter(path);

        const snap = new Database(dumpFile, { readonly: true });
        const { rows, total } = snap.prepare('SELECT count(*) AS rows, sum(amount) AS total FROM ledger').get() as {
          rows: number;
          total: number;
        };
        const n = snap.prepare('SELECT n FROM counter').pluck().get() as number;
        expect(snap.pragma('integrity_check', { simple: true })).toBe('ok');
        snap.close();
        expect(total).toBe(0);
        expect(rows).toBe(2 * n);
        expect(n).toBeGreaterThanOrEqual(before);
        expect(n).toBeLessThanOrEqual(after);
        // In WAL mode the writer is not blocked by the backup's read snapshot and keeps committing.
        if (mode === 'wal') expect(after).toBeGreaterThan(before);
      } finally {
        writer.kill('SIGKILL');
      }
    }
  }, 60_000);

  it('stops the backup when the signal aborts', async () => {
    const path = join(dir, 'app.db');
    createFixture(path);
    const ac = new AbortController();
    const c = await makeCtx(ac.signal);
    const pending = adapter.dump({ path }, c);
    ac.abort();
    await expect(pending).rejects.toThrow(/cancelled/);
    await rm(c.scratchDir, { recursive: true, force: true });
  });

  it('replaces an existing target atomically and drops its stale -wal file', async () => {
    const path = join(dir, 'app.db');
    createFixture(path, 100);
    const target = join(dir, 'target.db');
    createFixture(target, 5);
    await writeFile(`${target}-wal`, 'stale');
    const dumpFile = join(dir, 'dump.sqlite');
    await dumpToFile({ path }, dumpFile);
    await adapter.restore({ path }, Readable.from(await readFile(dumpFile)), {
      ...ctx,
      targetDatabase: target,
      extension: 'sqlite',
    });
    expect(fingerprint(target)).toEqual(fingerprint(path));
    await expect(stat(`${target}-wal`)).rejects.toThrow(/ENOENT/);
    expect(ctx.logs.some((l) => l.includes('-wal'))).toBe(true);
  });

  it('refuses garbage, path traversal and foreign dumps without touching the target', async () => {
    const path = join(dir, 'app.db');
    createFixture(path, 10);
    const before = fingerprint(path);
    const base = { ...ctx, extension: 'sqlite' };
    await expect(
      adapter.restore({ path }, Readable.from([Buffer.from('not a database at all')]), base),
    ).rejects.toThrow(/not a SQLite database/);
    await expect(
      adapter.restore({ path }, Readable.from([Buffer.alloc(10)]), { ...base, targetDatabase: '../escape.db' }),
    ).rejects.toThrow(/without "\.\."/);
    await expect(
      adapter.restore({ path }, Readable.from([Buffer.alloc(10)]), { ...base, extension: 'sql' }),
    ).rejects.toThrow(/cannot restore/);
    // A truncated database: right header, missing pages.
    const full = join(dir, 'full.sqlite');
    await dumpToFile({ path }, full);
    const bytes = await readFile(full);
    await expect(
      adapter.restore({ path }, Readable.from([bytes.subarray(0, bytes.length / 2)]), base),
    ).rejects.toThrow();
    expect(fingerprint(path)).toEqual(before);
    expect((await readdir(dir)).filter((f) => f.includes('.restore-'))).toEqual([]);
  });
});

function startWriter(path: string): ChildProcess {
  // A separate process, as a live application would be: the backup must not see its half-done work.
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(path)}, { timeout: 30000 });
    db.pragma('synchronous = OFF'); // speed only; durability is not what this test is about
    const add = db.prepare('INSERT INTO ledger (amount, pad) VALUES (?, randomblob(200))');
    const bump = db.prepare('UPDATE counter SET n = n + 1');
    const tx = db.transaction((v) => { add.run(v); add.run(-v); bump.run(); });
    for (;;) tx(Math.floor(Math.random() * 1000));
  `;
  const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

function readCounter(path: string): number {
  const db = new Database(path, { readonly: true, timeout: 30_000 });
  try {
    return db.prepare('SELECT n FROM counter').pluck().get() as number;
  } finally {
    db.close();
  }
}

async function waitForRows(path: string, n: number): Promise<void> {
  const end = Date.now() + 20_000;
  while (readCounter(path) < n) {
    if (Date.now() > end) throw new Error('writer made no progress');
    await new Promise((r) => setTimeout(r, 20));
  }
}
