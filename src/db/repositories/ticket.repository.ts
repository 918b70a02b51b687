import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, TicketRow, TicketScopeRow, TicketsTable } from '../schema.js';

export interface TicketListFilter {
  /** Tickets all of whose scopes are within these customers (null = every ticket). */
  scope: readonly number[] | null;
  open?: boolean | undefined;
  /** Tickets that count for this job: its own scope, an object of it, or its customer. */
  job?: { id: number; customer_id: number } | undefined;
  customerId?: number | undefined;
}

export type TicketWithScopes = TicketRow & { created_by_name: string | null; scopes: TicketScopeRow[] };
export type NewTicketScope = Omit<TicketScopeRow, 'ticket_id'>;

export class TicketRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private async withScopes(rows: (TicketRow & { created_by_name: string | null })[]): Promise<TicketWithScopes[]> {
    if (!rows.length) return [];
    const scopes = await this.db
      .selectFrom('ticket_scopes')
      .selectAll()
      .where(
        'ticket_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({ ...r, scopes: scopes.filter((s) => s.ticket_id === r.id) }));
  }

  private base() {
    return this.db
      .selectFrom('tickets')
      .leftJoin('users', 'users.id', 'tickets.created_by')
      .selectAll('tickets')
      .select('users.username as created_by_name');
  }

  async get(id: number): Promise<TicketWithScopes | undefined> {
    const row = await this.base().where('tickets.id', '=', id).executeTakeFirst();
    return row ? (await this.withScopes([row]))[0] : undefined;
  }

  async list(f: TicketListFilter): Promise<TicketWithScopes[]> {
    let q = this.base();
    if (f.open !== undefined) q = q.where('tickets.resolved_at', f.open ? 'is' : 'is not', null);
    if (f.scope) {
      // A ticket is visible only when none of its scopes is outside the caller's customers.
      const scope = f.scope.length ? [...f.scope] : [-1];
      q = q.where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('ticket_scopes as s')
              .select('s.ticket_id')
              .whereRef('s.ticket_id', '=', 'tickets.id')
              .where('s.customer_id', 'not in', scope),
          ),
        ),
      );
    }
    const job = f.job;
    if (job)
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('ticket_scopes as s')
            .select('s.ticket_id')
            .whereRef('s.ticket_id', '=', 'tickets.id')
            .where((eb) =>
              eb.or([
                eb('s.job_id', '=', job.id),
                eb.and([eb('s.kind', '=', 'customer'), eb('s.customer_id', '=', job.customer_id)]),
              ]),
            ),
        ),
      );
    if (f.customerId !== undefined) {
      const customerId = f.customerId;
      q = q.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('ticket_scopes as s')
            .select('s.ticket_id')
            .whereRef('s.ticket_id', '=', 'tickets.id')
            .where('s.customer_id', '=', customerId),
        ),
      );
    }
    const rows = await q.orderBy('tickets.start_date', 'desc').orderBy('tickets.id', 'desc').limit(1000).execute();
    return this.withScopes(rows);
  }

  async insert(row: Insertable<TicketsTable>, scopes: readonly NewTicketScope[]): Promise<number> {
    const r = await this.db.insertInto('tickets').values(row).returning('id').executeTakeFirstOrThrow();
    await this.replaceScopes(r.id, scopes);
    return r.id;
  }

  async update(id: number, patch: Updateable<TicketsTable>): Promise<void> {
    await this.db.updateTable('tickets').set(patch).where('id', '=', id).execute();
  }

  async replaceScopes(ticketId: number, scopes: readonly NewTicketScope[]): Promise<void> {
    await this.db.deleteFrom('ticket_scopes').where('ticket_id', '=', ticketId).execute();
    if (scopes.length)
      await this.db
        .insertInto('ticket_scopes')
        .values(scopes.map((s) => ({ ...s, ticket_id: ticketId })))
        .execute();
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('ticket_scopes').where('ticket_id', '=', id).execute();
    await this.db.deleteFrom('tickets').where('id', '=', id).execute();
  }
}
