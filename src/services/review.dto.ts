/** Answer shapes of the review workflow (docs/api-contract.md "Review workflow"). */
import type { LearnedSchedule } from '../core/schedule-inference.js';
import { overrideLevel } from '../core/override-match.js';
import type { RemarkWithUser } from '../db/repositories/remark.repository.js';
import type { TicketWithScopes } from '../db/repositories/ticket.repository.js';
import { overrideRule } from './override-apply.js';
import type { LearnedScheduleRow, OverrideRow } from '../db/schema.js';

export const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** Who did something: `{id, username}`, or null for the system (or a user since deleted, username null). */
export function userRef(id: number | null, username: string | null | undefined) {
  return id === null ? null : { id, username: username ?? null };
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export function learnedScheduleDto(row: LearnedScheduleRow | undefined) {
  if (!row) return null;
  const s = JSON.parse(row.schedule) as LearnedSchedule;
  return {
    kind: s.kind,
    text: s.text,
    days: s.days,
    window: s.window ? { from: hhmm(s.window.from), to: hhmm(s.window.to) } : null,
    sampleCount: s.sampleCount,
    learnedAt: iso(row.learned_at),
  };
}

export function overrideDto(row: OverrideRow, createdByName?: string | null) {
  // The API shows the matcher's own rule (one row mapping, in overrideRule), with dates as ISO text.
  const rule = overrideRule(row);
  return {
    ...rule,
    level: overrideLevel(rule),
    validFrom: iso(rule.validFrom),
    validUntil: iso(rule.validUntil),
    comment: row.comment,
    createdBy: userRef(row.created_by, createdByName),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
export type OverrideDto = ReturnType<typeof overrideDto>;

export function remarkDto(r: RemarkWithUser) {
  return {
    id: r.id,
    jobId: r.job_id,
    runId: r.run_id,
    customerId: r.customer_id,
    text: r.text,
    startDate: iso(r.start_date),
    resolvedAt: iso(r.resolved_at),
    createdBy: userRef(r.created_by, r.created_by_name),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

export function ticketDto(t: TicketWithScopes) {
  return {
    id: t.id,
    code: t.code,
    description: t.description,
    activeFrom: iso(t.active_from),
    startDate: iso(t.start_date),
    resolvedAt: iso(t.resolved_at),
    runId: t.run_id,
    scopes: t.scopes.map((s) =>
      s.kind === 'customer'
        ? { kind: 'customer' as const, customerId: s.customer_id }
        : s.kind === 'object'
          ? { kind: 'object' as const, jobId: s.job_id, objectName: s.object_name, customerId: s.customer_id }
          : { kind: 'job' as const, jobId: s.job_id, customerId: s.customer_id },
    ),
    createdBy: userRef(t.created_by, t.created_by_name),
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
  };
}
