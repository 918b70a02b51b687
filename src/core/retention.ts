/**
 * Which stored backups a retention policy keeps. Pure: the caller lists the backups of one
 * destination and deletes what `delete` names (or shows it, for a dry run).
 *
 * Safety rules that hold whatever the policy says (SPEC §2): the newest successful backup
 * and every pinned backup are kept; so is any backup whose creation time is unknown or
 * later than `now` (clock skew), because deleting what we cannot place is never safe.
 * GFS periods are calendar periods in the job's time zone: a backup made at 23:30 UTC on
 * 19 November belongs to 20 November in Paris.
 */
import type { RetentionPolicy } from './domain.js';
import { ValidationError } from './errors.js';
import { wallClock } from './schedule.js';

export interface RetentionCandidate {
  id: number;
  /** From the backup's metadata, not the storage's mtime. */
  createdAt: Date;
  pinned: boolean;
  status: 'success' | 'warning';
}

export interface RetentionDecision {
  id: number;
  /** Why it is kept ("pinned", "daily 2026-11-20") or deleted. */
  reasons: string[];
}

export interface RetentionSelection {
  /** Newest first. */
  keep: RetentionDecision[];
  /** Newest first. */
  delete: RetentionDecision[];
}

export const MAX_RETENTION_COUNT = 10_000;

const GFS_KINDS = ['daily', 'weekly', 'monthly', 'yearly'] as const;
type GfsKind = (typeof GFS_KINDS)[number];

export function selectRetention(
  backups: readonly RetentionCandidate[],
  policy: RetentionPolicy,
  opts: { timezone: string; now: Date },
): RetentionSelection {
  const reasons = new Map<number, string[]>();
  const keep = (b: RetentionCandidate, reason: string): void => {
    const list = reasons.get(b.id);
    if (list) list.push(reason);
    else reasons.set(b.id, [reason]);
  };

  const unique = [...new Map(backups.map((b) => [b.id, b] as const)).values()];
  const nowMs = opts.now.getTime();
  const dated: RetentionCandidate[] = [];
  for (const b of unique) {
    const t = b.createdAt.getTime();
    if (Number.isNaN(t)) keep(b, 'creation time unknown');
    else if (t > nowMs) keep(b, 'created after now (clock skew?)');
    else dated.push(b);
  }
  // Newest first; ids break ties so that the result does not depend on input order.
  dated.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);

  for (const b of unique) if (b.pinned) keep(b, 'pinned');
  const newestSuccess = dated.find((b) => b.status === 'success');
  if (newestSuccess) keep(newestSuccess, 'newest successful backup');

  let deleteReason: string;
  switch (policy.type) {
    case 'none':
      for (const b of dated) keep(b, 'no retention policy');
      deleteReason = '';
      break;
    case 'keep_last':
      dated.slice(0, policy.count).forEach((b, i) => keep(b, `keep-last ${i + 1} of ${policy.count}`));
      deleteReason = `older than the ${policy.count} newest (keep-last ${policy.count})`;
      break;
    case 'gfs': {
      const local = new Map(dated.map((b) => [b.id, wallClock(b.createdAt, opts.timezone)] as const));
      const active = GFS_KINDS.filter((kind) => policy[kind] > 0);
      for (const kind of active) {
        const periods = new Set<string>();
        for (const b of dated) {
          const period = periodKey(kind, local.get(b.id) ?? b.createdAt);
          if (periods.has(period)) continue; // an older backup of a period already kept
          if (periods.size >= policy[kind]) break;
          periods.add(period);
          keep(b, `${kind} ${period}`);
        }
      }
      deleteReason = `not the newest backup of a kept period (${active.map((k) => `${k} ${policy[k]}`).join(', ')})`;
      break;
    }
  }

  const result: RetentionSelection = { keep: [], delete: [] };
  // Undated backups first: they are the ones a person should look at.
  const time = (b: RetentionCandidate): number => {
    const t = b.createdAt.getTime();
    return Number.isNaN(t) ? Infinity : t;
  };
  const ordered = [...unique].sort((a, b) => time(b) - time(a) || b.id - a.id);
  for (const b of ordered) {
    const kept = reasons.get(b.id);
    if (kept) result.keep.push({ id: b.id, reasons: kept });
    else result.delete.push({ id: b.id, reasons: [deleteReason] });
  }
  return result;
}

/** Period names as shown to users: 2026-11-20, 2026-W47 (ISO week), 2026-11, 2026. */
function periodKey(kind: GfsKind, wall: Date): string {
  const y = wall.getUTCFullYear();
  const m = wall.getUTCMonth() + 1;
  const d = wall.getUTCDate();
  switch (kind) {
    case 'daily':
      return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
    case 'weekly': {
      // ISO 8601: the week belongs to the year of its Thursday (29 Dec may be week 1,
      // 1 Jan may be week 53 of the year before).
      const day = Date.UTC(y, m - 1, d);
      const weekday = (new Date(day).getUTCDay() + 6) % 7;
      const thursday = new Date(day + (3 - weekday) * 86_400_000);
      const isoYear = thursday.getUTCFullYear();
      const week = 1 + Math.floor((thursday.getTime() - Date.UTC(isoYear, 0, 1)) / (7 * 86_400_000));
      return `${pad(isoYear, 4)}-W${pad(week, 2)}`;
    }
    case 'monthly':
      return `${pad(y, 4)}-${pad(m, 2)}`;
    case 'yearly':
      return pad(y, 4);
  }
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const FIELDS_BY_TYPE: Readonly<Record<RetentionPolicy['type'], readonly string[]>> = {
  none: ['type'],
  keep_last: ['type', 'count'],
  gfs: ['type', ...GFS_KINDS],
};

/** Checks a retention policy from user input; GFS counts left out mean 0. */
export function validateRetention(input: unknown, field = 'retention'): RetentionPolicy {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(`${field} must be an object with a type (none, keep_last, gfs)`, { field });
  }
  const raw = input as Record<string, unknown>;
  const type = raw.type;
  if (type !== 'none' && type !== 'keep_last' && type !== 'gfs') {
    throw new ValidationError(`${field}.type: '${String(type)}' is not a retention type (none, keep_last, gfs)`, {
      field: `${field}.type`,
      value: type,
    });
  }
  const allowed = FIELDS_BY_TYPE[type];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      throw new ValidationError(`${field}.${key}: not a field of a ${type} policy (expected ${allowed.join(', ')})`, {
        field: `${field}.${key}`,
      });
    }
  }
  switch (type) {
    case 'none':
      return { type };
    case 'keep_last':
      return { type, count: count(raw.count, `${field}.count`, 1) };
    case 'gfs': {
      const [daily, weekly, monthly, yearly] = GFS_KINDS.map((kind) =>
        raw[kind] === undefined ? 0 : count(raw[kind], `${field}.${kind}`, 0),
      ) as [number, number, number, number];
      if (daily + weekly + monthly + yearly === 0) {
        throw new ValidationError(
          `${field}: a GFS policy must keep at least one daily, weekly, monthly or yearly backup`,
          { field },
        );
      }
      return { type, daily, weekly, monthly, yearly };
    }
  }
}

function count(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_RETENTION_COUNT) {
    throw new ValidationError(`${field}: must be a whole number from ${min} to ${MAX_RETENTION_COUNT}`, {
      field,
      value,
    });
  }
  return value;
}

/** "Keep all", "Keep the last 7", "7 daily, 4 weekly, 12 monthly". */
export function describeRetention(policy: RetentionPolicy): string {
  switch (policy.type) {
    case 'none':
      return 'Keep all';
    case 'keep_last':
      return policy.count === 1 ? 'Keep the last backup' : `Keep the last ${policy.count}`;
    case 'gfs':
      return GFS_KINDS.filter((k) => policy[k] > 0)
        .map((k) => `${policy[k]} ${k}`)
        .join(', ');
  }
}
