import { ValidationError } from '../../core/errors.js';
import type { SourceAdapter } from './source.contract.js';

/**
 * Kind name → lazy loader: an adapter's module (and what it pulls in, like `pg` or the native
 * SQLite binding) loads only when a source of that kind is used. Adding a source kind is one
 * folder plus one line here.
 */
const loaders: Readonly<Record<string, () => Promise<SourceAdapter>>> = {
  postgres: async () => (await import('./postgres/postgres.adapter.js')).postgresSourceAdapter,
  mysql: async () => (await import('./mysql/mysql.adapter.js')).mysqlSourceAdapter,
  sqlite: async () => (await import('./sqlite/sqlite.adapter.js')).sqliteSourceAdapter,
};

/** Known kinds, in registration order (the order forms offer them). */
export function sourceKinds(): string[] {
  return Object.keys(loaders);
}

export async function loadSourceAdapter(kind: string): Promise<SourceAdapter> {
  // Object.hasOwn keeps "constructor", "__proto__" and friends from looking like kinds.
  const load = Object.hasOwn(loaders, kind) ? loaders[kind] : undefined;
  if (!load) {
    throw new ValidationError(`unknown source type '${kind}' (known: ${sourceKinds().join(', ')})`);
  }
  return load();
}
