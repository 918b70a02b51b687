import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SourceAdapter } from '../source.contract.js';
import { parseSqliteConfig, sqliteConfigSchema } from './sqlite.config.js';
import { dumpSqlite } from './sqlite.dump.js';
import { restoreSqlite } from './sqlite.restore.js';

export const sqliteSourceAdapter: SourceAdapter = {
  kind: 'sqlite',
  label: 'SQLite',
  configSchema: sqliteConfigSchema,
  secretFields: [],

  async test(raw, ctx) {
    const { path } = parseSqliteConfig(raw);
    let db: Database.Database | undefined;
    if (ctx.purpose === 'restore' && !existsSync(path)) {
      // A restore creates the file: what matters is that its directory is writable.
      try {
        accessSync(dirname(path), constants.W_OK);
        return { ok: true, message: `${path} does not exist yet; the restore will create it` };
      } catch {
        return { ok: false, message: `cannot create ${path}: its directory is missing or not writable` };
      }
    }
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const version = String(db.prepare('SELECT sqlite_version()').pluck().get());
      // Opening is lazy: only reading the schema tells a database from any other file.
      const tables = Number(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get());
      return { ok: true, message: `SQLite ${version} database with ${tables} table(s)`, serverVersion: version };
    } catch (err) {
      return { ok: false, message: `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}` };
    } finally {
      db?.close();
    }
  },

  dump: dumpSqlite,
  restore: restoreSqlite,
};
