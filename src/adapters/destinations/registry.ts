import { ValidationError } from '../../core/errors.js';
import type { DestinationAdapter } from './destination.contract.js';

/**
 * Kind name → lazy loader, so the S3 and SFTP SDKs are only loaded when such a destination is
 * used. Adding a destination kind is one line here plus its folder.
 */
const loaders: Readonly<Record<string, () => Promise<DestinationAdapter>>> = {
  local: async () => (await import('./local/local.adapter.js')).localDestinationAdapter,
};

export function destinationKinds(): string[] {
  return Object.keys(loaders).sort();
}

export async function loadDestinationAdapter(kind: string): Promise<DestinationAdapter> {
  // Object.hasOwn keeps "constructor", "__proto__" and friends from looking like kinds.
  const load = Object.hasOwn(loaders, kind) ? loaders[kind] : undefined;
  if (!load) {
    throw new ValidationError(`unknown destination kind "${kind}" (known: ${destinationKinds().join(', ')})`);
  }
  return load();
}
