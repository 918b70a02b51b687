import { matchOverride, type OverrideRule, type RunFacts } from '../core/override-match.js';
import type { Db } from '../db/database.js';
import type { RunForOverride } from '../db/repositories/override.repository.js';
import type { Repositories } from '../db/repositories/repositories.js';
import type { OverrideRow } from '../db/schema.js';

/** Table row → the pure matcher's rule. */
export function overrideRule(row: OverrideRow): OverrideRule {
  return {
    id: row.id,
    customerId: row.customer_id,
    jobId: row.job_id,
    objectName: row.object_name,
    software: row.software,
    backupType: row.backup_type,
    jobNamePattern: row.job_name_pattern,
    statuses: JSON.parse(row.statuses) as OverrideRule['statuses'],
    errorMatch: row.error_match as OverrideRule['errorMatch'],
    errorText: row.error_text,
    treatAsSuccess: row.treat_as_success === 1,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
  };
}

/** Rules split by job, so each run is matched only against its own job's rules and the global ones. */
interface RuleSet {
  fingerprint: string;
  global: OverrideRule[];
  byJob: Map<number, OverrideRule[]>;
}

/**
 * One cache per database (tests open several; a transaction shares its Db). Reports arrive
 * hundreds per second while rules change rarely: a one-row aggregate decides whether the cached
 * set is still current, which also notices edits made by another server.
 */
const cache = new WeakMap<Db, RuleSet>();

/** Drops the cached rules of `db` (the override service calls it after every change). */
export function invalidateOverrideCache(db: Db): void {
  cache.delete(db);
}

async function loadRules(repos: Repositories): Promise<RuleSet> {
  const fingerprint = await repos.overrides.fingerprint();
  const cached = cache.get(repos.db);
  if (cached?.fingerprint === fingerprint) return cached;
  const set: RuleSet = { fingerprint, global: [], byJob: new Map() };
  for (const row of await repos.overrides.all()) {
    const rule = overrideRule(row);
    if (rule.jobId === null) set.global.push(rule);
    else set.byJob.set(rule.jobId, [...(set.byJob.get(rule.jobId) ?? []), rule]);
  }
  // Stored with the fingerprint read *before* loading: a change in between only causes a reload.
  cache.set(repos.db, set);
  return set;
}

export function runFacts(r: RunForOverride): RunFacts {
  return {
    jobId: r.job_id,
    customerId: r.customer_id,
    software: r.software,
    backupType: r.backup_type,
    jobName: r.job_name,
    status: r.status,
    message: r.error,
    objects: (JSON.parse(r.objects) as { name: string; status?: string | null; message?: string | null }[]).map(
      (o) => ({ name: o.name, status: o.status ?? null, message: o.message ?? null }),
    ),
    at: r.started_at ?? r.finished_at ?? r.queued_at,
  };
}

/** Only these can match a rule; other terminal runs are looked at only to clear a stale rule outcome. */
const MATCHABLE = new Set(['warning', 'failed']);
const TERMINAL = new Set(['success', 'warning', 'failed', 'timed_out', 'cancelled', 'missed']);

/**
 * Evaluates the override rules for runs just recorded (or re-evaluated) and stores the outcome in
 * effective_status / override_id. Only terminal runs are looked at. A manual "Mark as success"
 * (effective_status set, no rule) is never touched; an outcome set by a rule that no longer
 * matches is cleared. Works with transaction-bound repositories. Returns how many runs changed.
 */
export async function applyOverridesToRuns(repos: Repositories, runIds: number[], now: number): Promise<number> {
  void now; // validity is judged by when the run happened (RunFacts.at), not by when we look
  if (!runIds.length) return 0;
  const runs = await repos.overrides.runsForOverride(runIds);
  const candidates = runs.filter(
    (r) =>
      TERMINAL.has(r.status) &&
      (MATCHABLE.has(r.status) || r.override_id !== null) &&
      !(r.effective_status !== null && r.override_id === null),
  );
  if (!candidates.length) return 0;
  const rules = await loadRules(repos);
  let changed = 0;
  for (const r of candidates) {
    const own = rules.byJob.get(r.job_id) ?? [];
    const decision = own.length || rules.global.length ? matchOverride([...own, ...rules.global], runFacts(r)) : null;
    const effective = decision?.effectiveStatus ?? null;
    const overrideId = decision?.overrideId ?? null;
    if (effective === r.effective_status && overrideId === r.override_id) continue;
    await repos.overrides.setRunOverride(r.id, effective, overrideId);
    changed++;
  }
  return changed;
}
