import type { ErrorMatch, Override, OverrideInput, OverrideLevel, OverrideStatus } from '../../api/types';
import { dateFieldToIso, isDateInput, isoToDateInput } from '../run-checks/review-time';

/**
 * The override form ↔ the API (docs/review.md "Overrides"). Pure; unit-tested in
 * test/web/review-logic.test.ts. Dates are whole days in the instance time zone: "valid from"
 * is the start of its day, "valid until" the end of its day (both bounds are inclusive).
 */

export interface OverrideFormValues {
  level: OverrideLevel;
  /** Global criteria (an empty one means any). */
  software: string;
  backupType: string;
  jobNamePattern: string;
  customerId: string | null;
  /** Job and object levels. */
  jobId: string | null;
  objectName: string;
  statuses: OverrideStatus[];
  errorMatch: ErrorMatch;
  errorText: string;
  treatAsSuccess: boolean;
  /** 'YYYY-MM-DD' or ''. */
  validFrom: string;
  validUntil: string;
  comment: string;
}

export const LEVEL_OPTIONS: { value: OverrideLevel; label: string; description: string }[] = [
  { value: 'global', label: 'Global', description: 'Every job matching the criteria (checked last)' },
  { value: 'job', label: 'One job', description: 'One job (checked second)' },
  { value: 'object', label: 'One object in a job', description: 'One object of one job (checked first)' },
];

export const ERROR_MATCH_OPTIONS: { value: ErrorMatch; label: string }[] = [
  { value: 'contains', label: 'Contains' },
  { value: 'exact', label: 'Exact' },
  { value: 'starts_with', label: 'Starts with' },
  { value: 'ends_with', label: 'Ends with' },
];

export const EMPTY_OVERRIDE: OverrideFormValues = {
  level: 'global',
  software: '',
  backupType: '',
  jobNamePattern: '',
  customerId: null,
  jobId: null,
  objectName: '',
  statuses: ['warning'],
  errorMatch: 'contains',
  errorText: '',
  treatAsSuccess: true,
  validFrom: '',
  validUntil: '',
  comment: '',
};

const idString = (n: number | null | undefined) => (n === null || n === undefined ? null : String(n));

/** The level a rule has: as given, else derived as the server does (job → object name). */
export function levelOf(o: Pick<OverrideInput, 'level' | 'jobId' | 'objectName'>): OverrideLevel {
  if (o.level) return o.level;
  if (o.jobId === null || o.jobId === undefined) return 'global';
  return o.objectName ? 'object' : 'job';
}

/** A stored rule, or a draft from GET /api/runs/:id/override-draft, as form values. */
export function overrideToForm(o: OverrideInput | Override, timeZone: string): OverrideFormValues {
  const level = levelOf(o);
  return {
    level,
    software: o.software ?? '',
    backupType: o.backupType ?? '',
    jobNamePattern: o.jobNamePattern ?? '',
    customerId: level === 'global' ? idString(o.customerId) : null,
    jobId: level === 'global' ? null : idString(o.jobId),
    objectName: level === 'object' ? (o.objectName ?? '') : '',
    statuses: (o.statuses ?? []).filter((s): s is OverrideStatus => s === 'warning' || s === 'failed'),
    errorMatch: o.errorMatch ?? 'contains',
    errorText: o.errorText ?? '',
    treatAsSuccess: o.treatAsSuccess ?? true,
    validFrom: isoToDateInput(o.validFrom, timeZone),
    validUntil: isoToDateInput(o.validUntil, timeZone),
    comment: o.comment ?? '',
  };
}

const textOrNull = (v: string) => (v.trim() ? v.trim() : null);

/**
 * Form values → the body of POST /api/overrides (and PATCH, and Mark as success). Only the
 * fields of the chosen level are sent; the others are cleared, so switching a rule from global
 * to job drops its criteria. Editing keeps a stored bound whose day did not change (a bound set
 * to the minute over the API is not rounded to a whole day by an unrelated edit).
 */
export function formToPayload(
  v: OverrideFormValues,
  timeZone: string,
  original?: Pick<Override, 'validFrom' | 'validUntil'> | null,
): OverrideInput {
  const global = v.level === 'global';
  return {
    level: v.level,
    customerId: global && v.customerId ? Number(v.customerId) : null,
    jobId: global || !v.jobId ? null : Number(v.jobId),
    objectName: v.level === 'object' ? textOrNull(v.objectName) : null,
    software: global ? textOrNull(v.software) : null,
    backupType: global ? textOrNull(v.backupType) : null,
    jobNamePattern: global ? textOrNull(v.jobNamePattern) : null,
    statuses: (['warning', 'failed'] as const).filter((s) => v.statuses.includes(s)),
    errorMatch: v.errorMatch,
    errorText: v.errorText.trim(),
    treatAsSuccess: v.treatAsSuccess,
    validFrom: dateFieldToIso(v.validFrom, original?.validFrom, timeZone),
    validUntil: dateFieldToIso(v.validUntil, original?.validUntil, timeZone, true),
    comment: v.comment.trim(),
  };
}

/** Field errors of the form (the server checks the same and more). */
export function validateOverrideForm(v: OverrideFormValues): Partial<Record<keyof OverrideFormValues, string>> {
  const e: Partial<Record<keyof OverrideFormValues, string>> = {};
  if (v.level !== 'global' && !v.jobId) e.jobId = 'Choose the job';
  if (v.level === 'object' && !v.objectName.trim()) e.objectName = 'Name the object';
  if (v.statuses.length === 0) e.statuses = 'Choose warning and/or failed';
  if (v.validFrom && !isDateInput(v.validFrom)) e.validFrom = 'Not a date';
  if (v.validUntil && !isDateInput(v.validUntil)) e.validUntil = 'Not a date';
  else if (v.validFrom && v.validUntil && v.validUntil < v.validFrom) e.validUntil = 'Must not be before "valid from"';
  if (v.errorText.length > 2000) e.errorText = 'At most 2000 characters';
  if (v.comment.length > 2000) e.comment = 'At most 2000 characters';
  return e;
}

const MATCH_WORDS: Record<ErrorMatch, string> = {
  contains: 'contains',
  exact: 'is',
  starts_with: 'starts with',
  ends_with: 'ends with',
};

/** What a rule applies to, in words: "Job SQL Nightly · object sql01" or "Software Veeam · any customer". */
export function describeScope(
  o: Pick<Override, 'level' | 'jobId' | 'objectName' | 'software' | 'backupType' | 'jobNamePattern' | 'customerId'>,
  names: { job: (id: number) => string; customer: (id: number) => string },
): string {
  if (o.level !== 'global') {
    const job = o.jobId !== null ? `Job ${names.job(o.jobId)}` : 'Job ?';
    return o.level === 'object' ? `${job} · object ${o.objectName ?? '?'}` : job;
  }
  const parts: string[] = [];
  if (o.software) parts.push(`Software ${o.software}`);
  if (o.backupType) parts.push(`type ${o.backupType}`);
  if (o.jobNamePattern) parts.push(`job name ${o.jobNamePattern}`);
  parts.push(o.customerId !== null ? `customer ${names.customer(o.customerId)}` : 'any customer');
  return parts.join(' · ');
}

/** The error condition in words: 'message contains "snapshot"' or 'any message'. */
export function describeErrorMatch(o: Pick<Override, 'errorMatch' | 'errorText'>): string {
  if (!o.errorText.trim()) return 'any message';
  return `message ${MATCH_WORDS[o.errorMatch] ?? o.errorMatch} "${o.errorText}"`;
}

/** "Re-evaluate unreviewed runs" answer in words. */
export function changedSummary(changed: number): string {
  return changed === 1 ? '1 run changed' : `${changed} runs changed`;
}
