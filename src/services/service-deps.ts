import type { SecretBox } from '../crypto/secret-box.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { Actor } from './access.js';

export type Clock = () => number;

/** What every service receives; the composition root (app.ts) builds it once. */
export interface ServiceDeps {
  repos: Repositories;
  box: SecretBox;
  clock: Clock;
}

/** Removes secret values before something goes into the audit log. */
export function redact(value: unknown, secretFields: readonly string[] = []): unknown {
  if (!value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secretFields));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // Only string values can be secrets; flags such as `hasSecret` or `changedCredentials` stay readable.
    const secretName = secretFields.includes(k) || /password|secret|token$|^key$|Key$/.test(k);
    out[k] = secretName && typeof v === 'string' ? '[redacted]' : redact(v, secretFields);
  }
  return out;
}

export async function audit(
  deps: ServiceDeps,
  actor: Actor,
  e: {
    action: string;
    entity: string;
    entityId: string | number | null;
    customerId: number | null;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await deps.repos.audit.insert({
    at: deps.clock(),
    userId: actor.userId,
    actor: actor.username,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId,
    customerId: e.customerId,
    before: e.before === undefined ? undefined : redact(e.before),
    after: e.after === undefined ? undefined : redact(e.after),
  });
}
