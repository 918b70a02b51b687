import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import type { PostgresConfig } from './postgres.config.js';

/** Double-quotes an identifier the way PostgreSQL reads it back (embedded quotes doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * node-postgres knows no sslmode, so libpq's meaning is rebuilt here: require = encrypted but
 * unverified, verify-ca = chain checked but not the host name, verify-full = both. libpq's
 * default is "prefer" (try TLS, fall back to plain), and the tools use libpq, so the client
 * does the same to reach every server the tools can reach.
 */
function sslOptions(mode: PostgresConfig['sslmode']): false | ConnectionOptions {
  switch (mode) {
    case 'disable':
    case 'allow':
      return false;
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      return { rejectUnauthorized: false };
  }
}

async function connectOnce(
  config: PostgresConfig,
  database: string,
  ssl: false | ConnectionOptions,
  signal: AbortSignal,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    user: config.user,
    password: config.password ?? '',
    database,
    ssl,
    application_name: 'keepwatch',
    connectionTimeoutMillis: 15_000,
  });
  // An idle connection that errors (server restart) must not become an uncaught exception.
  client.on('error', () => undefined);
  const onAbort = (): void => void client.end().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    signal.throwIfAborted();
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export async function connectPostgres(
  config: PostgresConfig,
  database: string,
  signal: AbortSignal,
): Promise<pg.Client> {
  const mode = config.sslmode ?? 'prefer';
  try {
    return await connectOnce(config, database, sslOptions(mode), signal);
  } catch (err) {
    if (mode === 'prefer' && /does not support SSL/i.test(String(err))) {
      return connectOnce(config, database, false, signal);
    }
    throw err;
  }
}

/** Runs `fn` on a connection to a maintenance database (postgres, else template1). */
async function withMaintenanceDb<T>(
  config: PostgresConfig,
  signal: AbortSignal,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  let client: pg.Client;
  try {
    client = await connectPostgres(config, 'postgres', signal);
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // 3D000: no such database
    client = await connectPostgres(config, 'template1', signal);
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `database` unless it exists. Returns true when it was created. */
export async function ensureDatabase(config: PostgresConfig, database: string, signal: AbortSignal): Promise<boolean> {
  return withMaintenanceDb(config, signal, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount) return false;
    try {
      // CREATE DATABASE takes no bind parameters, hence the quoted identifier.
      await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
      return true;
    } catch (err) {
      if ((err as { code?: string }).code === '42P04') return false; // created meanwhile
      throw err;
    }
  });
}
