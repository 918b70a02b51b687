import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../../core/errors.js';
import { toolEnv } from '../process.js';

/** The database name that means "the whole cluster" (pg_dumpall). */
export const ALL_DATABASES = '*';

const sslModes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

export const postgresConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 255 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 5432 }),
    user: Type.String({ minLength: 1, maxLength: 63 }),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    database: Type.String({
      minLength: 1,
      maxLength: 63,
      description: `Database to dump, or "${ALL_DATABASES}" for every database (pg_dumpall)`,
    }),
    format: Type.Union([Type.Literal('plain'), Type.Literal('custom')], { default: 'plain' }),
    sslmode: Type.Optional(Type.Union(sslModes.map((m) => Type.Literal(m)))),
  },
  { additionalProperties: false },
);

export type PostgresConfig = Static<typeof postgresConfigSchema>;

export function parsePostgresConfig(raw: Record<string, unknown>): PostgresConfig {
  // Defaults are filled in on a copy: the caller's object (which holds the secret) stays untouched.
  const config = Value.Default(postgresConfigSchema, { ...raw });
  if (!Value.Check(postgresConfigSchema, config)) {
    const first = Value.Errors(postgresConfigSchema, config).First();
    throw new ValidationError(
      `postgres source: invalid config at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`,
    );
  }
  for (const field of ['host', 'user', 'database', 'password'] as const) {
    if (config[field]?.includes('\0')) {
      throw new ValidationError(`postgres source: ${field} contains a NUL character`);
    }
  }
  if (config.password?.includes('\n') || config.password?.includes('\r')) {
    // A password file is line-based; there is no way to write such a password into it.
    throw new ValidationError('postgres source: the password must not contain line breaks');
  }
  if (config.database === ALL_DATABASES && config.format !== 'plain') {
    throw new ValidationError('postgres source: all databases ("*") can only be dumped in plain format');
  }
  return config;
}

/**
 * One pgpass line that matches any host, port, database and user: pg_dumpall and a restore
 * connect to other databases than the configured one, and the file holds only this password.
 * ':' and '\' are the only characters the pgpass format needs escaped.
 */
export function pgpassLine(password: string): string {
  return `*:*:*:*:${password.replace(/[\\:]/g, (c) => `\\${c}`)}\n`;
}

/**
 * Environment for pg_dump, psql, pg_restore and pg_dumpall. Connection settings go through
 * libpq variables rather than argv: a database name is then never parsed as an option or a
 * connection string, and the password only ever travels through PGPASSFILE. Inherited PG*
 * variables are dropped so the server's own settings (PGPASSWORD, PGSERVICE, PGOPTIONS) cannot
 * leak into a source's connection.
 */
export function postgresToolEnv(
  config: PostgresConfig,
  opts: { database?: string; passfile?: string },
): NodeJS.ProcessEnv {
  return toolEnv(['PG'], {
    PGHOST: config.host,
    PGPORT: String(config.port),
    PGUSER: config.user,
    PGDATABASE: opts.database,
    PGPASSFILE: opts.passfile,
    PGSSLMODE: config.sslmode,
    PGAPPNAME: 'keepwatch',
    PGCONNECT_TIMEOUT: '15',
  });
}

/** `dbname='...'` with conninfo escapes, for tools that insist on --dbname (pg_restore). */
export function dbnameConninfo(database: string): string {
  return `dbname='${database.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}
