import { randomBytes } from 'node:crypto';
import { open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DumpResult, SourceContext } from '../source.contract.js';
import { parseSqliteConfig } from './sqlite.config.js';

// Pages copied per backup step: about 4 MiB at the default page size. Each step is synchronous,
// so this bounds how long the server's event loop is held at a time.
const PAGES_PER_STEP = 1024;

/**
 * Snapshot of a live SQLite database through its online backup API.
 *
 * The backup API writes into another *database* (it copies b-tree pages by number and commits
 * them), so it needs a real file as its target and cannot write to a stream. The snapshot goes
 * to ctx.scratchDir and is then streamed. We unlink it as soon as it is open for reading, so its
 * space comes back when the stream closes even if this process dies; the caller's scratch
 * cleanup removes it otherwise (e.g. when the backup itself fails).
 *
 * Consistency: a backup copied step by step restarts whenever another connection writes, so a
 * busy database might never finish. Instead we hold one read transaction open on the source
 * connection for the whole copy: every step then reads the same snapshot and other writers are
 * not seen. In WAL mode writers carry on meanwhile; in rollback-journal mode they wait (their
 * busy timeout), as with any consistent copy.
 */
export async function dumpSqlite(raw: Record<string, unknown>, ctx: SourceContext): Promise<DumpResult> {
  const { path } = parseSqliteConfig(raw);
  ctx.signal.throwIfAborted();
  const snapshot = join(ctx.scratchDir, `sqlite-snapshot-${randomBytes(8).toString('hex')}.sqlite`);
  const db = new Database(path, { readonly: true, fileMustExist: true, timeout: 30_000 });
  let version: string;
  try {
    version = String(db.prepare('SELECT sqlite_version()').pluck().get());
    db.exec('BEGIN');
    // BEGIN is deferred: the first read is what takes the snapshot.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    ctx.log('info', `sqlite: online backup of ${path}`);
    const result = await db.backup(snapshot, {
      progress: () => {
        if (ctx.signal.aborted) throw new Error('sqlite backup was cancelled');
        return PAGES_PER_STEP;
      },
    });
    ctx.log('info', `sqlite: snapshot taken (${result.totalPages} pages)`);
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }

  const handle = await open(snapshot, 'r');
  await unlink(snapshot).catch(() => undefined);
  const stream = handle.createReadStream();
  const done = new Promise<{ toolVersion: string }>((resolve, reject) => {
    stream.once('end', () => resolve({ toolVersion: `SQLite ${version}` }));
    stream.once('error', (err) => reject(new Error(`reading the sqlite snapshot failed: ${err.message}`)));
    stream.once('close', () => reject(new Error('the sqlite snapshot stream was closed before its end')));
  });
  done.catch(() => undefined); // handled later by the caller
  return { stream, done, extension: 'sqlite' };
}
