import type { ApiClient, Query } from './api-client.js';

interface Named {
  id: number;
  name: string;
  slug?: string;
}

/**
 * Finds a resource by id, name (or customer slug) in a list endpoint, for the endpoints that
 * only take ids. An ambiguous name is an error listing the ids rather than a guess, because
 * the next step may be a restore over that source.
 */
export async function lookup<T extends Named>(
  client: ApiClient,
  path: string,
  what: string,
  ref: string,
  query: Query = {},
): Promise<T> {
  const { items } = await client.list<T>(path, query);
  if (/^\d+$/.test(ref)) {
    const byId = items.find((item) => item.id === Number(ref));
    if (byId) return byId;
  }
  const matches = items.filter((item) => item.name === ref || item.slug === ref);
  const [first, ...rest] = matches;
  if (!first) throw new Error(`no ${what} named "${ref}"`);
  if (rest.length > 0) {
    throw new Error(`"${ref}" matches several ${what}s (ids ${matches.map((m) => m.id).join(', ')}); use the id`);
  }
  return first;
}
