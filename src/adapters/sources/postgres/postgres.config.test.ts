import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.js';
import { dbnameConninfo, parsePostgresConfig, pgpassLine, postgresToolEnv } from './postgres.config.js';
import { quoteIdent } from './postgres.client.js';

const base = { host: 'db.example', user: 'app', database: 'app' };

describe('postgres config', () => {
  it('fills defaults without touching the caller object', () => {
    const raw: Record<string, unknown> = { ...base };
    expect(parsePostgresConfig(raw)).toMatchObject({ port: 5432, format: 'plain' });
    expect(raw).not.toHaveProperty('port');
  });

  it('rejects bad configs with a message that names the field, never the password', () => {
    expect(() => parsePostgresConfig({ ...base, format: 'tar' })).toThrow(ValidationError);
    expect(() => parsePostgresConfig({ ...base, database: '*', format: 'custom' })).toThrow(/plain/);
    const err = (() => {
      try {
        parsePostgresConfig({ ...base, password: 'se\ncret' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/line breaks/);
    expect(err?.message).not.toContain('se\ncret');
  });

  it('escapes the pgpass separators', () => {
    expect(pgpassLine('a:b\\c')).toBe('*:*:*:*:a\\:b\\\\c\n');
  });

  it('passes the password only as a file path and drops inherited PG* variables', () => {
    process.env.PGPASSWORD = 'inherited';
    process.env.PGSERVICE = 'evil';
    try {
      const config = parsePostgresConfig({ ...base, password: 'hunter2', sslmode: 'require' });
      const env = postgresToolEnv(config, { database: 'other', passfile: '/scratch/pgpass-1' });
      expect(env).toMatchObject({
        PGHOST: 'db.example',
        PGPORT: '5432',
        PGUSER: 'app',
        PGDATABASE: 'other',
        PGPASSFILE: '/scratch/pgpass-1',
        PGSSLMODE: 'require',
      });
      expect(env.PGPASSWORD).toBeUndefined();
      expect(env.PGSERVICE).toBeUndefined();
      expect(Object.values(env)).not.toContain('hunter2');
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.PGPASSWORD;
      delete process.env.PGSERVICE;
    }
  });

  it('writes a database name as a literal conninfo value', () => {
    expect(dbnameConninfo("o'k\\ host=evil")).toBe("dbname='o\\'k\\\\ host=evil'");
  });

  it('quotes identifiers', () => {
    expect(quoteIdent('we"ird db')).toBe('"we""ird db"');
  });
});
