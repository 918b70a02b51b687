import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Instance settings and the audit log: small tables with one obvious shape each. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async all(): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom('settings').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  async set(key: string, value: unknown): Promise<void> {
    const v = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: v })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: v }))
      .execute();
  }
}

export interface AuditEntry {
  at: number;
  userId: number | null;
  actor: string;
  action: string;
  entity: string;
  entityId: string | number | null;
  customerId: number | null;
  before?: unknown;
  after?: unknown;
}

export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(e: AuditEntry): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        at: e.at,
        user_id: e.userId,
        actor: e.actor,
        action: e.action,
        entity: e.entity,
        entity_id: e.entityId === null ? null : String(e.entityId),
        customer_id: e.customerId,
        before: e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === undefined ? null : JSON.stringify(e.after),
      })
      .execute();
  }

  list(scope: readonly number[] | null, limit: number) {
    let q = this.db.selectFrom('audit_log').selectAll();
    if (scope) q = q.where('customer_id', 'in', scope.length ? [...scope] : [-1]);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }
}

/** Server/worker processes, with a heartbeat so others can tell when one died. */
export class NodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async register(n: { id: string; hostname: string; pid: number; now: number }): Promise<void> {
    await this.db
      .insertInto('nodes')
      .values({ id: n.id, hostname: n.hostname, pid: n.pid, started_at: n.now, heartbeat_at: n.now })
      .execute();
  }

  async heartbeat(id: string, now: number): Promise<void> {
    await this.db.updateTable('nodes').set({ heartbeat_at: now }).where('id', '=', id).execute();
  }

  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('nodes').where('id', '=', id).execute();
  }

  async alive(since: number): Promise<string[]> {
    const r = await this.db.selectFrom('nodes').select('id').where('heartbeat_at', '>=', since).execute();
    return r.map((x) => x.id);
  }

  async prune(before: number): Promise<void> {
    await this.db.deleteFrom('nodes').where('heartbeat_at', '<', before).execute();
  }
}
