import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** Where the database lives, without credentials (for logs and /readyz). */
  description: string;
  close(): Promise<void>;
}

// int8 (COUNT(*), bigint ids and epoch-millisecond columns) arrives as a string by default;
// all our int8 values fit in a double, and both dialects must return the same types.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

/**
 * Opens the state database: PostgreSQL when `url` is a postgres:// URL, otherwise the embedded
 * SQLite file `<dataDir>/keepwatch.db` (WAL, so readers never block the writer).
 */
export function openDatabase(opts: { url?: string | undefined; dataDir: string }): Db {
  const url = opts.url?.trim();
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      kysely,
      dialect: 'postgres',
      description: describePostgres(url),
      close: () => kysely.destroy(),
    };
  }
  if (url && !/^sqlite:/.test(url)) {
    throw new Error(`DATABASE_URL must start with postgres:// or sqlite: (got '${url.split(':')[0]}:')`);
  }
  const file = url ? url.replace(/^sqlite:(\/\/)?/, '') : path.join(opts.dataDir, 'keepwatch.db');
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, dialect: 'sqlite', description: `sqlite:${file}`, close: () => kysely.destroy() };
}

function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}
