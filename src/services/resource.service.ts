import type { TObject } from '@sinclair/typebox';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { splitFields, validate } from '../core/validate.js';
import type { ResourceRepository } from '../db/repositories/resource.repository.js';
import type { ConfiguredRow } from '../db/schema.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import { isIdRef, type CustomerService } from './customer.service.js';
import { audit, type ServiceDeps } from './service-deps.js';

/** The part of an adapter a resource service needs: its schema and which fields are secret. */
export interface AdapterShape {
  readonly kind: string;
  readonly configSchema: TObject;
  readonly secretFields: readonly string[];
}

export interface ResourceInput {
  name?: string;
  kind?: string;
  customer?: number | string | null;
  customerId?: number | null;
  config?: Record<string, unknown>;
}

export interface ResourceDto {
  id: number;
  customerId: number;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secretFields: readonly string[];
  hasSecret: Record<string, boolean>;
  createdAt: string;
  updatedAt: string;
}

/**
 * Sources, destinations and notification channels: the same life cycle (validate against the
 * adapter's schema, seal secret fields, never return them), parameterised by entity name,
 * repository and adapter loader.
 */
export class ResourceService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly customers: CustomerService,
    private readonly entity: 'source' | 'destination' | 'notification_channel',
    private readonly repo: ResourceRepository,
    private readonly loadAdapter: (kind: string) => Promise<AdapterShape>,
    private readonly usedBy: (id: number) => Promise<string[]>,
  ) {}

  private label(id: number | string): string {
    return `${this.entity.replace('_', ' ')} ${typeof id === 'number' ? id : `'${id}'`}`;
  }

  /** The adapter of a kind given by the caller; an unknown kind is an error naming the field. */
  private async adapterFor(kind: string): Promise<AdapterShape> {
    try {
      return await this.loadAdapter(kind);
    } catch (err) {
      if (err instanceof ValidationError) throw new ValidationError(`${this.entity}.kind: ${err.message}`);
      throw err;
    }
  }

  private async dto(row: ConfiguredRow): Promise<ResourceDto> {
    const adapter = await this.loadAdapter(row.kind);
    const secrets = row.secrets ? this.deps.box.open<Record<string, unknown>>(row.secrets) : {};
    return {
      id: row.id,
      customerId: row.customer_id,
      name: row.name,
      kind: row.kind,
      config: JSON.parse(row.config) as Record<string, unknown>,
      secretFields: adapter.secretFields,
      hasSecret: Object.fromEntries(
        adapter.secretFields.map((f) => [f, secrets[f] !== undefined && secrets[f] !== null && secrets[f] !== '']),
      ),
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async list(actor: Actor, customerId?: number): Promise<ResourceDto[]> {
    requireAccess(actor, 'read', customerId, this.entity);
    const rows = await this.repo.list(customerScope(actor), customerId);
    return Promise.all(rows.map((r) => this.dto(r)));
  }

  /** By id, or by name (unique within what the caller can see, or within `customerId`). */
  async find(actor: Actor, ref: number | string, customerId?: number): Promise<ConfiguredRow> {
    let row: ConfiguredRow | undefined;
    if (isIdRef(ref)) row = await this.repo.get(Number(ref));
    if (!row && typeof ref === 'string') {
      const rows =
        customerId !== undefined
          ? [await this.repo.byName(customerId, ref)].filter((r) => !!r)
          : await this.repo.byNameAnyCustomer(ref, customerScope(actor));
      if (rows.length > 1) throw new ConflictError(`${this.label(ref)} exists for several customers; use its id`);
      row = rows[0];
    }
    if (!row || !canSeeCustomer(actor, row.customer_id)) throw new NotFoundError(`${this.label(ref)} not found`);
    return row;
  }

  async get(actor: Actor, ref: number | string): Promise<ResourceDto> {
    const row = await this.find(actor, ref);
    requireAccess(actor, 'read', row.customer_id, this.entity);
    return this.dto(row);
  }

  async create(actor: Actor, input: ResourceInput): Promise<ResourceDto> {
    const customer = await this.customers.resolve(actor, input.customerId ?? input.customer);
    requireAccess(actor, 'write', customer.id, this.entity);
    const name = checkName(input.name, this.entity);
    if (!input.kind) throw new ValidationError(`${this.entity}.kind is required`);
    const adapter = await this.adapterFor(input.kind);
    const full = validate(adapter.configSchema, input.config ?? {}, `${this.entity}.config`);
    if (await this.repo.byName(customer.id, name))
      throw new ConflictError(`${this.entity} '${name}' already exists for customer '${customer.name}'`);
    const [plain, secret] = splitFields(full as Record<string, unknown>, adapter.secretFields);
    const row = await this.repo.insert({
      customerId: customer.id,
      name,
      kind: adapter.kind,
      config: JSON.stringify(plain),
      secrets: Object.keys(secret).length ? this.deps.box.seal(secret) : null,
      now: this.deps.clock(),
    });
    await audit(this.deps, actor, {
      action: 'create',
      entity: this.entity,
      entityId: row.id,
      customerId: customer.id,
      after: { name, kind: row.kind, config: plain },
    });
    return this.dto(row);
  }

  /**
   * Config fields given replace the stored ones; a secret field left out keeps its stored value
   * (so forms and exported YAML never need to carry secrets), and `null` clears it.
   */
  async update(actor: Actor, ref: number | string, input: ResourceInput): Promise<ResourceDto> {
    const row = await this.find(actor, ref);
    requireAccess(actor, 'write', row.customer_id, this.entity);
    if (input.kind && input.kind !== row.kind)
      throw new ValidationError(`${this.entity}.kind cannot be changed (is ${row.kind}); create a new ${this.entity}`);
    const adapter = await this.loadAdapter(row.kind);
    const oldSecrets = row.secrets ? this.deps.box.open<Record<string, unknown>>(row.secrets) : {};
    const patch: { name?: string; config?: string; secrets?: string | null; now: number } = { now: this.deps.clock() };
    // Names (never values) of the secret fields this change sets, replaces or clears.
    let changedCredentials: string[] = [];
    if (input.name !== undefined && input.name !== row.name) {
      const name = checkName(input.name, this.entity);
      if (await this.repo.byName(row.customer_id, name))
        throw new ConflictError(`${this.entity} '${name}' already exists`);
      patch.name = name;
    }
    if (input.config) {
      const merged: Record<string, unknown> = { ...oldSecrets, ...input.config };
      for (const f of adapter.secretFields) if (merged[f] === null) delete merged[f];
      const full = validate(adapter.configSchema, merged, `${this.entity}.config`);
      const [plain, secret] = splitFields(full as Record<string, unknown>, adapter.secretFields);
      patch.config = JSON.stringify(plain);
      patch.secrets = Object.keys(secret).length ? this.deps.box.seal(secret) : null;
      changedCredentials = adapter.secretFields.filter(
        (f) => stableJson(oldSecrets[f] ?? null) !== stableJson(secret[f] ?? null),
      );
    }
    await this.repo.update(row.id, patch);
    const after = (await this.repo.get(row.id))!;
    await audit(this.deps, actor, {
      action: 'update',
      entity: this.entity,
      entityId: row.id,
      customerId: row.customer_id,
      before: { name: row.name, config: JSON.parse(row.config) as unknown },
      after: {
        name: after.name,
        config: JSON.parse(after.config) as unknown,
        // Not "secretsChanged": the audit redaction blanks any key that mentions a secret.
        changedCredentials,
      },
    });
    return this.dto(after);
  }

  async delete(actor: Actor, ref: number | string): Promise<void> {
    const row = await this.find(actor, ref);
    requireAccess(actor, 'write', row.customer_id, this.entity);
    const users = await this.usedBy(row.id);
    if (users.length)
      throw new ConflictError(
        `${this.entity} '${row.name}' is used by job(s) ${users.map((u) => `'${u}'`).join(', ')}`,
      );
    await this.repo.delete(row.id);
    await audit(this.deps, actor, {
      action: 'delete',
      entity: this.entity,
      entityId: row.id,
      customerId: row.customer_id,
      before: { name: row.name, kind: row.kind },
    });
  }

  /**
   * Validates a config for `kind` without saving; with `currentId`, left-out secrets are taken
   * from the stored ones (as update does). Returns the normalised plain part and the secrets.
   */
  async validateConfig(
    kind: string,
    config: Record<string, unknown>,
    currentId?: number,
  ): Promise<{ plain: Record<string, unknown>; secret: Record<string, unknown> }> {
    const adapter = await this.loadAdapter(kind);
    const stored = currentId !== undefined ? (await this.resolvedConfig(currentId)).config : {};
    const oldSecrets = Object.fromEntries(adapter.secretFields.filter((f) => f in stored).map((f) => [f, stored[f]]));
    const merged: Record<string, unknown> = { ...oldSecrets, ...config };
    for (const f of adapter.secretFields) if (merged[f] === null) delete merged[f];
    const full = validate(adapter.configSchema, merged, `${this.entity}.config`);
    const [plain, secret] = splitFields(full as Record<string, unknown>, adapter.secretFields);
    return { plain, secret };
  }

  /** Whether updating `id` with `config` would change anything (plain settings or secrets). */
  async wouldChange(id: number, config: Record<string, unknown>): Promise<boolean> {
    const { row, config: stored } = await this.resolvedConfig(id);
    const { plain, secret } = await this.validateConfig(row.kind, config, id);
    return stableJson({ ...plain, ...secret }) !== stableJson(stored);
  }

  /** Stored config with secrets decrypted — for the engine only, never for API answers. */
  async resolvedConfig(id: number): Promise<{ row: ConfiguredRow; config: Record<string, unknown> }> {
    const row = await this.repo.get(id);
    if (!row) throw new NotFoundError(`${this.label(id)} not found`);
    const secrets = row.secrets ? this.deps.box.open<Record<string, unknown>>(row.secrets) : {};
    return { row, config: { ...(JSON.parse(row.config) as Record<string, unknown>), ...secrets } };
  }
}

export function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );
}

export function checkName(input: unknown, entity: string): string {
  const name = typeof input === 'string' ? input.trim() : '';
  if (!name) throw new ValidationError(`${entity}.name is required`);
  if (name.length > 200) throw new ValidationError(`${entity}.name must be at most 200 characters`);
  if (/[\u0000-\u001f/\\]/.test(name))
    throw new ValidationError(`${entity}.name must not contain control characters, / or \\`);
  return name;
}
