import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import pg from 'pg';

/** The PostgreSQL server the tests use (trust auth on loopback, as on CI). */
export const PG_ADMIN_URL = process.env.KEEPWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_HOST = process.env.KEEPWATCH_TEST_MYSQL_HOST ?? '127.0.0.1';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

function explain(err: unknown, what: string, how: string): Error {
  return new Error(`${what} is not reachable (${(err as Error).message}). Start it with: ${how}`);
}

/** A fresh, empty PostgreSQL database; `drop()` removes it. */
export async function createPgDatabase(
  prefix = 'kwtest',
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = uniqueName(prefix);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw explain(
      err,
      `PostgreSQL at ${PG_ADMIN_URL}`,
      'pg_ctlcluster --skip-systemctl-redirect 15 main start (or run npm test as root)',
    );
  }
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    },
  };
}

/** Runs SQL on a PostgreSQL database and returns the rows. */
export async function pgQuery<T = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Runs SQL through the mariadb CLI as root (tests only; root has no password here). */
export function mysqlExec(sql: string, database?: string): string {
  try {
    return execFileSync(
      'mariadb',
      ['-h', MYSQL_HOST, '-uroot', '--batch', '--skip-column-names', ...(database ? [database] : []), '-e', sql],
      { encoding: 'utf8' },
    );
  } catch (err) {
    throw explain(
      err,
      `MariaDB at ${MYSQL_HOST}:3306`,
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd (or run npm test as root)',
    );
  }
}
