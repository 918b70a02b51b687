import { dirname, isAbsolute, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../../core/errors.js';

export const sqliteConfigSchema = Type.Object(
  {
    /** Absolute path of the database file on the server (or agent). */
    path: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);

export type SqliteConfig = Static<typeof sqliteConfigSchema>;

const hasDotDot = (p: string): boolean => p.split(/[\\/]/).includes('..');

export function parseSqliteConfig(raw: Record<string, unknown>): SqliteConfig {
  if (!Value.Check(sqliteConfigSchema, raw)) {
    const first = Value.Errors(sqliteConfigSchema, raw).First();
    throw new ValidationError(`sqlite source: invalid config at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`);
  }
  // A relative path would depend on the working directory of whichever process opens it.
  if (!isAbsolute(raw.path) || raw.path.includes('\0') || hasDotDot(raw.path)) {
    throw new ValidationError(`sqlite source: path "${raw.path}" must be absolute, without ".."`);
  }
  return { path: resolve(raw.path) };
}

/**
 * Where a restore writes. A relative target is taken beside the source database ("app-copy.db"
 * → same folder) and may not climb out of it with "..": a restore target typed in a form or
 * sent to the API must not become a way to overwrite arbitrary files.
 */
export function resolveSqliteTarget(sourcePath: string, target: string | undefined): string {
  if (target === undefined) return sourcePath;
  if (!target || target.includes('\0') || hasDotDot(target)) {
    throw new ValidationError(`sqlite restore: target "${target}" must be a file name or path without ".."`);
  }
  return isAbsolute(target) ? resolve(target) : resolve(dirname(sourcePath), target);
}
