import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import { slugify } from '../core/validate.js';
import type { CustomerRow } from '../db/schema.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import { audit, type ServiceDeps } from './service-deps.js';
import { isTimeZone } from './settings.service.js';

export function customerDto(c: CustomerRow) {
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    active: c.active === 1,
    timezone: c.timezone,
    createdAt: new Date(c.created_at).toISOString(),
  };
}

/** A reference that is an id: an integer, or a string of digits within the safe range. */
export function isIdRef(ref: number | string): boolean {
  return typeof ref === 'number' ? Number.isSafeInteger(ref) : /^\d{1,15}$/.test(ref);
}

function checkTimezone(tz: unknown): string | null {
  if (tz === undefined || tz === null || tz === '') return null;
  if (typeof tz !== 'string' || !isTimeZone(tz))
    throw new ValidationError(`customer.timezone: '${String(tz)}' is not a known time zone (e.g. Europe/Berlin)`);
  return tz;
}

export class CustomerService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: Actor) {
    requireAccess(actor, 'read', undefined, 'customers');
    return (await this.deps.repos.customers.list(customerScope(actor))).map(customerDto);
  }

  async get(actor: Actor, id: number): Promise<CustomerRow> {
    const c = await this.deps.repos.customers.get(id);
    if (!c || !canSeeCustomer(actor, c.id)) throw new NotFoundError(`customer ${id} not found`);
    return c;
  }

  /**
   * Which customer a new object belongs to: the one named (id, name or slug), else the only
   * customer the caller has, else the default customer for installation-wide callers.
   */
  async resolve(actor: Actor, ref?: number | string | null): Promise<CustomerRow> {
    const repo = this.deps.repos.customers;
    if (ref !== undefined && ref !== null && ref !== '') {
      const c = isIdRef(ref) ? await repo.get(Number(ref)) : await repo.findByNameOrSlug(String(ref));
      if (!c || !canSeeCustomer(actor, c.id)) throw new NotFoundError(`customer '${ref}' not found`);
      return c;
    }
    const visible = await repo.list(customerScope(actor));
    if (visible.length === 1) return visible[0]!;
    const def = visible.find((c) => c.slug === 'default');
    if (actor.allCustomers && def) return def;
    throw new ValidationError('customer is required (you can see several customers)');
  }

  async create(actor: Actor, input: { name: string; timezone?: string | null }) {
    requireAccess(actor, 'write', undefined, 'customers');
    // A user scoped to some customers can see that customers exist; creating one is instance-wide.
    if (!actor.allCustomers) throw new ForbiddenError('only users with access to all customers create customers');
    const name = String(input.name ?? '').trim();
    if (!name || name.length > 200) throw new ValidationError('customer.name must be 1–200 characters');
    if (await this.deps.repos.customers.findByNameOrSlug(name))
      throw new ConflictError(`customer '${name}' already exists`);
    const timezone = checkTimezone(input.timezone);
    let slug = slugify(name);
    for (let i = 2; await this.deps.repos.customers.findByNameOrSlug(slug); i++) slug = `${slugify(name)}-${i}`;
    const c = await this.deps.repos.customers.insert({
      name,
      slug,
      timezone,
      now: this.deps.clock(),
    });
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'customer',
      entityId: c.id,
      customerId: c.id,
      after: customerDto(c),
    });
    return customerDto(c);
  }

  async update(actor: Actor, id: number, input: { name?: string; active?: boolean; timezone?: string | null }) {
    const before = await this.get(actor, id);
    requireAccess(actor, 'write', id, 'customer');
    const patch: { name?: string; active?: number; timezone?: string | null } = {};
    if (input.name !== undefined) {
      const name = String(input.name).trim();
      if (!name || name.length > 200) throw new ValidationError('customer.name must be 1–200 characters');
      const other = await this.deps.repos.customers.findByNameOrSlug(name);
      if (other && other.id !== id) throw new ConflictError(`customer '${name}' already exists`);
      patch.name = name;
    }
    if (input.active !== undefined) patch.active = input.active ? 1 : 0;
    if (input.timezone !== undefined) patch.timezone = checkTimezone(input.timezone);
    await this.deps.repos.customers.update(id, patch);
    const after = (await this.deps.repos.customers.get(id))!;
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'customer',
      entityId: id,
      customerId: id,
      before: customerDto(before),
      after: customerDto(after),
    });
    return customerDto(after);
  }
}
