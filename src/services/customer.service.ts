import { formatCustomerCsv, parseCustomerCsv, type CsvProblem } from '../core/customer-csv.js';
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
    const counts = await this.jobCounts();
    return (await this.deps.repos.customers.list(customerScope(actor))).map((c) => ({
      ...customerDto(c),
      jobCounts: counts.get(c.id) ?? { backup: 0, monitored: 0, system: 0, total: 0 },
    }));
  }

  /** Live jobs per customer and kind (archived included), for the customers list and export. */
  private async jobCounts() {
    const out = new Map<number, { backup: number; monitored: number; system: number; total: number }>();
    for (const r of await this.deps.repos.customers.jobCounts()) {
      const c = out.get(r.customer_id) ?? { backup: 0, monitored: 0, system: 0, total: 0 };
      if (r.kind === 'backup' || r.kind === 'monitored' || r.kind === 'system') c[r.kind] += r.n;
      c.total += r.n;
      out.set(r.customer_id, c);
    }
    return out;
  }

  /** `GET /api/customers/export`: the visible customers as CSV (name,slug,active,timezone,jobs). */
  async exportCsv(actor: Actor): Promise<string> {
    requireAccess(actor, 'read', undefined, 'customers');
    const counts = await this.jobCounts();
    const rows = await this.deps.repos.customers.list(customerScope(actor));
    return formatCustomerCsv(
      rows.map((c) => ({
        name: c.name,
        slug: c.slug,
        active: c.active === 1,
        timezone: c.timezone,
        jobs: counts.get(c.id)?.total ?? 0,
      })),
    );
  }

  /**
   * `POST /api/customers/import`: creates customers named in the file and updates the active
   * flag and time zone of those that exist (matched by name, case-insensitively). All or
   * nothing: with any error nothing is changed and every bad line is reported.
   */
  async importCsv(actor: Actor, csv: string): Promise<{ created: number; updated: number; errors: CsvProblem[] }> {
    requireAccess(actor, 'write', undefined, 'customers');
    if (!actor.allCustomers) throw new ForbiddenError('only users with access to all customers create customers');
    const { rows, errors } = parseCustomerCsv(csv);
    if (!rows.length && !errors.length) errors.push({ line: 1, message: 'the file names no customers' });
    const repo = this.deps.repos.customers;
    const existing = new Map((await repo.list(null)).map((c) => [c.name.toLowerCase(), c]));
    const seen = new Map<string, number>();
    for (const r of rows) {
      const key = r.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) errors.push({ line: r.line, message: `'${r.name}' is already on line ${first}` });
      else seen.set(key, r.line);
      if (r.timezone && !isTimeZone(r.timezone))
        errors.push({
          line: r.line,
          message: `timezone: '${r.timezone}' is not a known time zone (e.g. Europe/Berlin)`,
        });
    }
    if (errors.length) return { created: 0, updated: 0, errors: errors.sort((a, b) => a.line - b.line) };

    const now = this.deps.clock();
    const created: string[] = [];
    const updated: string[] = [];
    await this.deps.repos.transaction(async (tx) => {
      const slugs = new Set((await tx.customers.list(null)).map((c) => c.slug));
      for (const r of rows) {
        const old = existing.get(r.name.toLowerCase());
        if (!old) {
          let slug = slugify(r.name);
          for (let i = 2; slugs.has(slug); i++) slug = `${slugify(r.name)}-${i}`;
          slugs.add(slug);
          const c = await tx.customers.insert({ name: r.name, slug, timezone: r.timezone ?? null, now });
          if (r.active === false) await tx.customers.update(c.id, { active: 0 });
          created.push(r.name);
          continue;
        }
        const patch: { active?: number; timezone?: string | null } = {};
        if (r.active !== undefined && (r.active ? 1 : 0) !== old.active) patch.active = r.active ? 1 : 0;
        if (r.timezone !== undefined && r.timezone !== old.timezone) patch.timezone = r.timezone;
        if (Object.keys(patch).length) {
          await tx.customers.update(old.id, patch);
          updated.push(old.name);
        }
      }
    });
    await audit(this.deps, actor, {
      action: 'import',
      entity: 'customer',
      entityId: null,
      customerId: null,
      after: { created, updated },
    });
    return { created: created.length, updated: updated.length, errors: [] };
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
