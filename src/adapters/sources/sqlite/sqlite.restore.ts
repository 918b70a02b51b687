import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import { ValidationError } from '../../../core/errors.js';
import type { SourceContext } from '../source.contract.js';
import { parseSqliteConfig, resolveSqliteTarget } from './sqlite.config.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Opens the restored copy and runs quick_check, so garbage never replaces a working database. */
function checkDatabase(path: string): void {
  // Read-write on purpose: a WAL-mode copy opened read-only could leave -wal/-shm files behind.
  const db = new Database(path, { fileMustExist: true });
  try {
    const result = db.prepare('PRAGMA quick_check').pluck().all();
    if (result.length !== 1 || result[0] !== 'ok') {
      throw new Error(`the restored sqlite database is damaged: ${result.slice(0, 3).join('; ')}`);
    }
  } finally {
    db.close();
  }
}

/**
 * Writes the dump beside the target under a temporary name, fsyncs, checks it, then renames it
 * over the target: readers see the old database or the new one, never half of one.
 */
export async function restoreSqlite(
  raw: Record<string, unknown>,
  input: Readable,
  ctx: SourceContext & { targetDatabase?: string; extension: string },
): Promise<void> {
  const config = parseSqliteConfig(raw);
  if (ctx.extension !== 'sqlite') {
    throw new ValidationError(`sqlite source cannot restore a ".${ctx.extension}" dump`);
  }
  const target = resolveSqliteTarget(config.path, ctx.targetDatabase);
  const temp = `${target}.restore-${randomBytes(8).toString('hex')}`;
  // Keep the mode of the database being replaced; a new file gets owner-only access (it's data).
  const mode = await stat(target).then(
    (s) => s.mode & 0o777,
    () => 0o600,
  );
  const handle = await open(temp, 'wx', mode);
  try {
    try {
      // A plain loop rather than pipeline(): the handle must stay open for the fsync below, and
      // an fs write stream that does not close its handle never reports itself finished.
      for await (const chunk of input) {
        ctx.signal.throwIfAborted();
        await handle.write(chunk as Buffer);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    const head = Buffer.alloc(16);
    const check = await open(temp, 'r');
    try {
      await check.read(head, 0, 16, 0);
    } finally {
      await check.close();
    }
    if (!head.equals(SQLITE_MAGIC)) throw new Error('the restore input is not a SQLite database');
    checkDatabase(temp);
    ctx.signal.throwIfAborted();

    // A -wal left from the old database would be replayed onto the new one and corrupt it.
    for (const suffix of ['-wal', '-shm', '-journal']) {
      if (await removeIfPresent(`${target}${suffix}`)) {
        ctx.log('warn', `sqlite: removed ${target}${suffix} of the database being replaced`);
      }
    }
    await rename(temp, target);
    const dir = await open(dirname(target), 'r');
    try {
      await dir.sync(); // makes the rename itself durable
    } finally {
      await dir.close();
    }
    ctx.log('info', `sqlite: restored into ${target}`);
  } catch (err) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) await removeIfPresent(`${temp}${suffix}`).catch(() => false);
    throw err;
  }
}
