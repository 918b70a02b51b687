import type { Remark, Ticket, TicketScope } from '../../api/types';
import { dateFieldToIso, isDateInput, isoToDateInput } from '../run-checks/review-time';

/**
 * Tickets and remarks: form values ↔ API bodies (docs/api-contract.md "Review workflow"). Pure;
 * unit-tested in test/web/review-logic.test.ts. Dates are whole days in the instance time zone.
 */

export const isOpen = (x: { resolvedAt: string | null }) => !x.resolvedAt;

export interface ObjectScopeValue {
  jobId: string | null;
  objectName: string;
}

export interface TicketFormValues {
  code: string;
  description: string;
  /** 'YYYY-MM-DD' or ''. */
  activeFrom: string;
  startDate: string;
  jobIds: string[];
  customerIds: string[];
  objects: ObjectScopeValue[];
}

/** What a new ticket starts with; from Run Checks the run's job is its scope. */
export function newTicketForm(preset: { jobId?: number | null; today: string }): TicketFormValues {
  return {
    code: '',
    description: '',
    activeFrom: preset.today,
    startDate: preset.today,
    jobIds: preset.jobId ? [String(preset.jobId)] : [],
    customerIds: [],
    objects: [],
  };
}

export function ticketToForm(t: Ticket, timeZone: string): TicketFormValues {
  return {
    code: t.code,
    description: t.description ?? '',
    activeFrom: isoToDateInput(t.activeFrom, timeZone),
    startDate: isoToDateInput(t.startDate, timeZone),
    jobIds: t.scopes.flatMap((s) => (s.kind === 'job' ? [String(s.jobId)] : [])),
    customerIds: t.scopes.flatMap((s) => (s.kind === 'customer' ? [String(s.customerId)] : [])),
    objects: t.scopes.flatMap((s) =>
      s.kind === 'object' ? [{ jobId: String(s.jobId), objectName: s.objectName }] : [],
    ),
  };
}

/** The scopes of the form, as the API takes them (duplicates and half-filled object rows dropped). */
export function formToScopes(v: Pick<TicketFormValues, 'jobIds' | 'customerIds' | 'objects'>): TicketScope[] {
  const seen = new Set<string>();
  const out: TicketScope[] = [];
  const add = (key: string, scope: TicketScope) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.push(scope);
  };
  for (const id of v.jobIds) add(`job:${id}`, { kind: 'job', jobId: Number(id) });
  for (const id of v.customerIds) add(`customer:${id}`, { kind: 'customer', customerId: Number(id) });
  for (const o of v.objects) {
    const name = o.objectName.trim();
    if (o.jobId && name) add(`object:${o.jobId}:${name}`, { kind: 'object', jobId: Number(o.jobId), objectName: name });
  }
  return out;
}

export interface TicketBody {
  code: string;
  description: string;
  activeFrom: string | null;
  startDate?: string | null;
  runId?: number | null;
  scopes: TicketScope[];
}

/**
 * Form → POST /api/tickets (with `runId` when created from Run Checks) or PATCH body. An empty
 * start date is left to the server (today) on create and not sent on edit (it cannot be cleared).
 */
export function formToTicketPayload(
  v: TicketFormValues,
  timeZone: string,
  original?: Pick<Ticket, 'activeFrom' | 'startDate'> | null,
  runId?: number | null,
): TicketBody {
  const body: TicketBody = {
    code: v.code.trim(),
    description: v.description.trim(),
    activeFrom: dateFieldToIso(v.activeFrom, original?.activeFrom, timeZone),
    scopes: formToScopes(v),
  };
  const start = dateFieldToIso(v.startDate, original?.startDate, timeZone);
  if (start) body.startDate = start;
  if (!original && runId) body.runId = runId;
  return body;
}

export function validateTicketForm(v: TicketFormValues): Partial<Record<string, string>> {
  const e: Partial<Record<string, string>> = {};
  if (!v.code.trim()) e.code = 'Enter the ticket code';
  else if (v.code.trim().length > 200) e.code = 'At most 200 characters';
  if (v.activeFrom && !isDateInput(v.activeFrom)) e.activeFrom = 'Not a date';
  if (v.startDate && !isDateInput(v.startDate)) e.startDate = 'Not a date';
  if (formToScopes(v).length === 0) e.jobIds = 'Name at least one job, customer or object';
  v.objects.forEach((o, i) => {
    if (!o.jobId) e[`objects.${i}.jobId`] = 'Choose the job';
    if (!o.objectName.trim()) e[`objects.${i}.objectName`] = 'Name the object';
  });
  return e;
}

/** "Job SQL Nightly", "Customer Contoso", "Object sql01 (SQL Nightly)". */
export function describeScopes(
  scopes: readonly TicketScope[],
  names: { job: (id: number) => string; customer: (id: number) => string },
): string[] {
  return scopes.map((s) =>
    s.kind === 'job'
      ? `Job ${names.job(s.jobId)}`
      : s.kind === 'customer'
        ? `Customer ${names.customer(s.customerId)}`
        : `Object ${s.objectName} (${names.job(s.jobId)})`,
  );
}

export interface RemarkFormValues {
  jobId: string | null;
  /** The run the remark is about ('' / null: the job in general). */
  runId: string | null;
  text: string;
  startDate: string;
}

export function newRemarkForm(preset: {
  jobId?: number | null;
  runId?: number | null;
  today: string;
}): RemarkFormValues {
  return {
    jobId: preset.jobId ? String(preset.jobId) : null,
    runId: preset.runId ? String(preset.runId) : null,
    text: '',
    startDate: preset.today,
  };
}

export function remarkToForm(r: Remark, timeZone: string): RemarkFormValues {
  return {
    jobId: String(r.jobId),
    runId: r.runId === null ? null : String(r.runId),
    text: r.text,
    startDate: isoToDateInput(r.startDate, timeZone),
  };
}

/** Form → POST /api/remarks {jobId, runId?, text, startDate?} or PATCH {text, startDate?}. */
export function formToRemarkPayload(
  v: RemarkFormValues,
  timeZone: string,
  original?: Pick<Remark, 'startDate'> | null,
): { jobId?: number; runId?: number | null; text: string; startDate?: string } {
  const start = dateFieldToIso(v.startDate, original?.startDate, timeZone);
  const body: { jobId?: number; runId?: number | null; text: string; startDate?: string } = { text: v.text.trim() };
  if (!original) {
    body.jobId = Number(v.jobId);
    body.runId = v.runId ? Number(v.runId) : null;
  }
  if (start) body.startDate = start;
  return body;
}

export function validateRemarkForm(v: RemarkFormValues): Partial<Record<keyof RemarkFormValues, string>> {
  const e: Partial<Record<keyof RemarkFormValues, string>> = {};
  if (!v.jobId) e.jobId = 'Choose the job';
  if (!v.text.trim()) e.text = 'Write the remark';
  else if (v.text.length > 10_000) e.text = 'At most 10000 characters';
  if (v.startDate && !isDateInput(v.startDate)) e.startDate = 'Not a date';
  return e;
}
