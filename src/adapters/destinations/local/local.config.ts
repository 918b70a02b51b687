import { isAbsolute, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from '../../../core/errors.js';

export const localConfigSchema = Type.Object(
  {
    /** Absolute directory on the server (or agent) that holds the backups. */
    path: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false },
);

export function parseLocalConfig(config: Record<string, unknown>): { path: string } {
  if (!Value.Check(localConfigSchema, config)) {
    const first = Value.Errors(localConfigSchema, config).First();
    throw new ValidationError(
      `local destination: invalid config at ${first?.path || '/'}: ${first?.message ?? 'invalid'}`,
    );
  }
  // A relative path would depend on the working directory of whichever process opens it.
  if (!isAbsolute(config.path) || config.path.includes('\0')) {
    throw new ValidationError(`local destination: path "${config.path}" must be absolute`);
  }
  return { path: resolve(config.path) };
}
