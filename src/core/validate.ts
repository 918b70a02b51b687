import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ValidationError } from './errors.js';

/**
 * Checks `input` against a TypeBox schema and returns it (with defaults applied, unknown
 * properties rejected by the schema's own additionalProperties). The error names the field:
 * "source.port: Expected integer".
 */
export function validate<T extends TSchema>(schema: T, input: unknown, prefix: string): Static<T> {
  const value = Value.Default(schema, structuredClone(input ?? {}));
  if (Value.Check(schema, value)) return value as Static<T>;
  const errors = [...Value.Errors(schema, value)].slice(0, 5).map((e) => {
    const field = e.path ? e.path.replace(/^\//, '').replace(/\//g, '.') : '';
    return `${prefix}${field ? `.${field}` : ''}: ${e.message}`;
  });
  throw new ValidationError(errors.join('; '), { errors });
}

/** Removes the named keys from an object, returning [rest, removed]. */
export function splitFields(
  obj: Record<string, unknown>,
  fields: readonly string[],
): [Record<string, unknown>, Record<string, unknown>] {
  const rest: Record<string, unknown> = {};
  const taken: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (fields.includes(k)) taken[k] = v;
    else rest[k] = v;
  }
  return [rest, taken];
}

export function slugify(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'x';
}
