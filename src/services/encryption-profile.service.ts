import { ConflictError, NotFoundError } from '../core/errors.js';
import { formatRecoveryKit, generateProfileKey, keyIdOf, parseKeyFile } from '../crypto/keys.js';
import type { EncryptionProfileRow } from '../db/schema.js';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import { isIdRef, type CustomerService } from './customer.service.js';
import { checkName } from './resource.service.js';
import { audit, type ServiceDeps } from './service-deps.js';

function dto(p: EncryptionProfileRow) {
  return {
    id: p.id,
    customerId: p.customer_id,
    name: p.name,
    keyId: p.key_id,
    createdAt: new Date(p.created_at).toISOString(),
  };
}

/** Named AES-256 keys. The key itself is sealed with the master key and only leaves as a recovery kit. */
export class EncryptionProfileService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly customers: CustomerService,
    private readonly usedBy: (id: number) => Promise<string[]>,
  ) {}

  async list(actor: Actor) {
    requireAccess(actor, 'read', undefined, 'encryption profiles');
    return (await this.deps.repos.profiles.list(customerScope(actor))).map(dto);
  }

  async find(actor: Actor, ref: number | string, customerId?: number): Promise<EncryptionProfileRow> {
    const repo = this.deps.repos.profiles;
    let row: EncryptionProfileRow | undefined;
    if (isIdRef(ref)) row = await repo.get(Number(ref));
    else if (typeof ref === 'number') row = undefined;
    else if (customerId !== undefined) row = await repo.byName(customerId, ref);
    else {
      const all = (await repo.list(customerScope(actor))).filter((p) => p.name === ref);
      if (all.length > 1)
        throw new ConflictError(`encryption profile '${ref}' exists for several customers; use its id`);
      row = all[0];
    }
    if (!row || !canSeeCustomer(actor, row.customer_id))
      throw new NotFoundError(`encryption profile '${ref}' not found`);
    return row;
  }

  async get(actor: Actor, ref: number | string) {
    return dto(await this.find(actor, ref));
  }

  /** Generates a key, or imports one (recovery kit, hex or base64) to read older backups. */
  async create(
    actor: Actor,
    input: { name: string; customer?: number | string | null; customerId?: number | null; key?: string },
  ) {
    const customer = await this.customers.resolve(actor, input.customerId ?? input.customer);
    requireAccess(actor, 'write', customer.id, 'encryption profile');
    const name = checkName(input.name, 'encryptionProfile');
    if (await this.deps.repos.profiles.byName(customer.id, name))
      throw new ConflictError(`encryption profile '${name}' already exists`);
    const key = input.key ? parseKeyFile(input.key).key : generateProfileKey();
    const row = await this.deps.repos.profiles.insert({
      customerId: customer.id,
      name,
      keyId: keyIdOf(key).toString('hex'),
      keySealed: this.deps.box.seal({ key: key.toString('base64') }),
      now: this.deps.clock(),
    });
    await audit(this.deps, actor, {
      action: input.key ? 'import' : 'create',
      entity: 'encryption_profile',
      entityId: row.id,
      customerId: customer.id,
      after: dto(row),
    });
    return dto(row);
  }

  /** The recovery kit: the one way a key leaves Keepwatch. Admins only, and audited. */
  async exportKit(actor: Actor, ref: number | string): Promise<{ kit: string; keyId: string; name: string }> {
    const row = await this.find(actor, ref);
    requireAccess(actor, 'export_key', row.customer_id, 'encryption profile');
    const key = this.keyOf(row);
    await audit(this.deps, actor, {
      action: 'export_key',
      entity: 'encryption_profile',
      entityId: row.id,
      customerId: row.customer_id,
    });
    return {
      kit: formatRecoveryKit({ name: row.name, key, createdAt: new Date(row.created_at) }),
      keyId: row.key_id,
      name: row.name,
    };
  }

  async delete(actor: Actor, ref: number | string): Promise<void> {
    const row = await this.find(actor, ref);
    requireAccess(actor, 'admin', row.customer_id, 'encryption profile');
    const users = await this.usedBy(row.id);
    if (users.length) throw new ConflictError(`encryption profile '${row.name}' is used by job(s) ${users.join(', ')}`);
    await this.deps.repos.profiles.delete(row.id);
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'encryption_profile',
      entityId: row.id,
      customerId: row.customer_id,
      before: dto(row),
    });
  }

  keyOf(row: EncryptionProfileRow): Buffer {
    return Buffer.from(this.deps.box.open<{ key: string }>(row.key_sealed).key, 'base64');
  }

  /** For the engine: the key with this id (any profile holding it), or undefined. */
  async keyById(keyId: Buffer | string): Promise<Buffer | undefined> {
    const hex = typeof keyId === 'string' ? keyId : keyId.toString('hex');
    const rows = await this.deps.repos.profiles.byKeyId(hex);
    return rows[0] ? this.keyOf(rows[0]) : undefined;
  }
}
