import type { Role } from '../core/domain.js';
import { ForbiddenError, NotFoundError } from '../core/errors.js';

/** Who is calling: a signed-in user, an API token, or the engine itself. */
export interface Actor {
  userId: number | null;
  username: string;
  role: Role;
  /** true: the role applies to every customer. */
  allCustomers: boolean;
  customerIds: readonly number[];
  via: 'session' | 'token' | 'system';
}

export const SYSTEM_ACTOR: Actor = {
  userId: null,
  username: 'system',
  role: 'admin',
  allCustomers: true,
  customerIds: [],
  via: 'system',
};

export type Permission =
  | 'read' // see jobs, runs, backups, resources
  | 'run' // run now, cancel, verify
  | 'write' // create/edit/delete jobs and resources, customers
  | 'restore' // restore a backup into a database, download decrypted data
  | 'delete_backup'
  | 'export_key' // see an encryption key (recovery kit)
  | 'admin'; // users, instance settings, audit log

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['read', 'run', 'write', 'restore', 'delete_backup', 'export_key', 'admin'],
  operator: ['read', 'run', 'write', 'restore'],
  reporter: ['read'],
  viewer: ['read'],
};

export function can(actor: Actor, permission: Permission): boolean {
  return GRANTS[actor.role].includes(permission);
}

/** Whether every permission of `inner` is also granted to `outer` (a token may narrow a role, never widen it). */
export function roleWithin(inner: Role, outer: Role): boolean {
  return GRANTS[inner].every((p) => GRANTS[outer].includes(p));
}

export function canSeeCustomer(actor: Actor, customerId: number): boolean {
  return actor.allCustomers || actor.customerIds.includes(customerId);
}

/**
 * The one access check every service method goes through.
 * An object of a customer the caller cannot see is reported as not found (404), so its
 * existence does not leak; a visible object the caller may not change is forbidden (403).
 */
export function requireAccess(actor: Actor, permission: Permission, customerId?: number | null, what = 'object'): void {
  if (customerId !== undefined && customerId !== null && !canSeeCustomer(actor, customerId)) {
    throw new NotFoundError(`${what} not found`);
  }
  if (!can(actor, permission)) {
    throw new ForbiddenError(`your role (${actor.role}) does not allow '${permission}' on ${what}`);
  }
}

/** Customer ids a query must be limited to, or null for "all customers". */
export function customerScope(actor: Actor): readonly number[] | null {
  return actor.allCustomers ? null : actor.customerIds;
}
