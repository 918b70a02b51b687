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
  cacheStatements(sqlite);
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kysely, dialect: 'sqlite', description: `sqlite:${file}`, close: () => kysely.destroy() };
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs about as much as
 * running a small query. Reusing prepared statements by SQL text made mail ingest 20% cheaper
 * per message (docs/benchmarks.md, "Mail") and helps every query. A statement still iterating
 * (a streamed query) is busy and cannot run twice, so it gets a fresh one; the cache is bounded
 * (least recently used out) because `IN (?, ?, …)` lists make new SQL texts.
 */
export function cacheStatements(sqlite: SqliteDatabase.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const statements = new Map<string, SqliteDatabase.Statement>();
  sqlite.prepare = ((source: string) => {
    let st = statements.get(source);
    if (st && !st.busy) {
      statements.delete(source); // re-inserted below: Map order is the recency order
    } else {
      st = prepare(source);
    }
    statements.set(source, st);
    if (statements.size > max) statements.delete(statements.keys().next().value as string);
    return st;
  }) as typeof sqlite.prepare;
}

function describePostgres(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'postgres';
  }
}
