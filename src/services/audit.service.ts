import { customerScope, requireAccess, type Actor } from './access.js';
import type { ServiceDeps } from './service-deps.js';

export class AuditService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: Actor, limit = 200) {
    requireAccess(actor, 'admin', undefined, 'audit log');
    const rows = await this.deps.repos.audit.list(customerScope(actor), Math.min(limit, 1000));
    return rows.map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      customerId: r.customer_id,
      before: r.before ? (JSON.parse(r.before) as unknown) : null,
      after: r.after ? (JSON.parse(r.after) as unknown) : null,
    }));
  }
}
