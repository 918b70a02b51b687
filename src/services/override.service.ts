import { ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import type { OverrideWithUser } from '../db/repositories/override.repository.js';
import type { OverridesTable } from '../db/schema.js';
import type { Insertable } from 'kysely';
import { canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import { applyOverridesToRuns, invalidateOverrideCache } from './override-apply.js';
import { overrideDto } from './review.dto.js';
import { audit, type ServiceDeps } from './service-deps.js';

export const OVERRIDE_LEVELS = ['global', 'job', 'object'] as const;
export const ERROR_MATCHES = ['contains', 'exact', 'starts_with', 'ends_with'] as const;
const STATUSES = ['warning', 'failed'] as const;
const APPLY_BATCH = 500;

/** What POST /api/overrides and "Mark as success" accept (every field optional on PATCH). */
export interface OverrideInput {
  level?: string | undefined;
  customerId?: number | null | undefined;
  jobId?: number | null | undefined;
  objectName?: string | null | undefined;
  software?: string | null | undefined;
  backupType?: string | null | undefined;
  jobNamePattern?: string | null | undefined;
  statuses?: string[] | undefined;
  errorMatch?: string | undefined;
  errorText?: string | undefined;
  treatAsSuccess?: boolean | undefined;
  validFrom?: string | null | undefined;
  validUntil?: string | null | undefined;
  comment?: string | undefined;
}

type RuleValues = Omit<Insertable<OverridesTable>, 'created_by' | 'created_at' | 'updated_at'>;

/** Empty or blank text means "no criterion". */
const text = (v: string | null | undefined, field: string, max = 500): string | null => {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new ValidationError(`${field}: must be text`);
  const t = v.trim();
  if (t.length > max) throw new ValidationError(`${field}: at most ${max} characters`);
  return t === '' ? null : t;
};

const date = (v: string | null | undefined, field: string): number | null => {
  if (v === undefined || v === null || v === '') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new ValidationError(`${field}: '${v}' is not a date`);
  return t;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Overrides: rules that treat known warnings/failures as success. Operators create and edit; admins delete. */
export class OverrideService {
  constructor(private readonly deps: ServiceDeps) {}

  async list(actor: Actor, q: { jobId?: number | undefined; customerId?: number | undefined }) {
    requireAccess(actor, 'read', q.customerId, 'overrides');
    const rows = await this.deps.repos.overrides.list({
      scope: customerScope(actor),
      jobId: q.jobId,
      customerId: q.customerId,
    });
    return { items: rows.map((r) => overrideDto(r, r.created_by_name)), total: rows.length };
  }

  private async find(actor: Actor, id: number): Promise<OverrideWithUser> {
    const row = await this.deps.repos.overrides.get(id);
    if (!row || (row.customer_id !== null && !canSeeCustomer(actor, row.customer_id)))
      throw new NotFoundError(`override ${id} not found`);
    return row;
  }

  async get(actor: Actor, id: number) {
    const row = await this.find(actor, id);
    requireAccess(actor, 'read', row.customer_id, 'override');
    return overrideDto(row, row.created_by_name);
  }

  /** Validates a complete rule and checks that the caller may write it (its customer or job). */
  async validate(actor: Actor, input: OverrideInput): Promise<RuleValues> {
    if (input.level !== undefined && !(OVERRIDE_LEVELS as readonly string[]).includes(input.level))
      throw new ValidationError(`level: '${input.level}' must be one of ${OVERRIDE_LEVELS.join(', ')}`);
    const jobId = input.jobId ?? null;
    const objectName = text(input.objectName, 'objectName');
    const level = input.level ?? (jobId === null ? 'global' : objectName === null ? 'job' : 'object');
    if (level === 'global' && jobId !== null) throw new ValidationError('jobId: a global override names no job');
    if (level !== 'global' && jobId === null)
      throw new ValidationError(`jobId: required for a ${level}-level override`);
    if (level === 'object' && objectName === null)
      throw new ValidationError('objectName: required for an object-level override');
    if (level !== 'object' && objectName !== null)
      throw new ValidationError(`objectName: only object-level overrides name an object`);

    if (!Array.isArray(input.statuses) || input.statuses.length === 0)
      throw new ValidationError('statuses: choose warning and/or failed');
    for (const s of input.statuses)
      if (!(STATUSES as readonly string[]).includes(s))
        throw new ValidationError(`statuses: '${String(s)}' must be warning or failed`);
    const errorMatch = input.errorMatch ?? 'contains';
    if (!(ERROR_MATCHES as readonly string[]).includes(errorMatch))
      throw new ValidationError(`errorMatch: '${errorMatch}' must be one of ${ERROR_MATCHES.join(', ')}`);
    if (input.errorText !== undefined && typeof input.errorText !== 'string')
      throw new ValidationError('errorText: must be text');
    const errorText = (input.errorText ?? '').trim();
    if (errorText.length > 2000) throw new ValidationError('errorText: at most 2000 characters');
    const comment = (input.comment ?? '').trim();
    if (comment.length > 2000) throw new ValidationError('comment: at most 2000 characters');
    const validFrom = date(input.validFrom, 'validFrom');
    const validUntil = date(input.validUntil, 'validUntil');
    if (validFrom !== null && validUntil !== null && validUntil <= validFrom)
      throw new ValidationError('validUntil: must be after validFrom');

    let customerId = input.customerId ?? null;
    let criteria = {
      software: text(input.software, 'software'),
      backup_type: text(input.backupType, 'backupType'),
      job_name_pattern: text(input.jobNamePattern, 'jobNamePattern'),
    };
    if (jobId !== null) {
      const job = await this.deps.repos.jobs.get(jobId);
      if (!job || !canSeeCustomer(actor, job.customer_id)) throw new NotFoundError(`jobId: job ${jobId} not found`);
      if (customerId !== null && customerId !== job.customer_id)
        throw new ValidationError(`customerId: job ${jobId} belongs to customer ${job.customer_id}`);
      for (const [field, v] of [
        ['software', criteria.software],
        ['backupType', criteria.backup_type],
        ['jobNamePattern', criteria.job_name_pattern],
      ] as const)
        if (v !== null) throw new ValidationError(`${field}: only global overrides use this criterion`);
      customerId = job.customer_id;
      criteria = { software: null, backup_type: null, job_name_pattern: null };
      requireAccess(actor, 'write', customerId, 'override');
    } else if (customerId !== null) {
      const customer = await this.deps.repos.customers.get(customerId);
      if (!customer || !canSeeCustomer(actor, customerId))
        throw new NotFoundError(`customerId: customer ${customerId} not found`);
      requireAccess(actor, 'write', customerId, 'override');
    } else {
      requireAccess(actor, 'write', undefined, 'override');
      // A rule for every customer reaches runs the caller cannot see.
      if (!actor.allCustomers)
        throw new ForbiddenError('customerId: an override for every customer needs access to all customers');
    }
    return {
      customer_id: customerId,
      job_id: jobId,
      object_name: objectName,
      ...criteria,
      statuses: JSON.stringify(STATUSES.filter((s) => input.statuses!.includes(s))),
      error_match: errorMatch,
      error_text: errorText,
      treat_as_success: input.treatAsSuccess === false ? 0 : 1,
      valid_from: validFrom,
      valid_until: validUntil,
      comment,
    };
  }

  async create(actor: Actor, input: OverrideInput) {
    const values = await this.validate(actor, input);
    const now = this.deps.clock();
    const row = await this.deps.repos.overrides.insert({
      ...values,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
    invalidateOverrideCache(this.deps.repos.db);
    const dto = overrideDto(row, actor.userId === null ? null : actor.username);
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'override',
      entityId: row.id,
      customerId: row.customer_id,
      after: dto,
    });
    return dto;
  }

  async update(actor: Actor, id: number, input: OverrideInput) {
    const row = await this.find(actor, id);
    requireAccess(actor, 'write', row.customer_id, 'override');
    if (row.customer_id === null && !actor.allCustomers)
      throw new ForbiddenError('an override for every customer can only be changed with access to all customers');
    const before = overrideDto(row, row.created_by_name);
    const merged: OverrideInput = {
      customerId: before.customerId,
      jobId: before.jobId,
      objectName: before.objectName,
      software: before.software,
      backupType: before.backupType,
      jobNamePattern: before.jobNamePattern,
      statuses: before.statuses,
      errorMatch: before.errorMatch,
      errorText: before.errorText,
      treatAsSuccess: before.treatAsSuccess,
      validFrom: iso(row.valid_from),
      validUntil: iso(row.valid_until),
      comment: before.comment,
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
    };
    // Changing the level drops what the new level does not use, unless the input says otherwise.
    if (input.level === 'global' && input.jobId === undefined) merged.jobId = null;
    if (input.level !== undefined && input.level !== 'object' && input.objectName === undefined)
      merged.objectName = null;
    const values = await this.validate(actor, merged);
    await this.deps.repos.overrides.update(id, { ...values, updated_at: this.deps.clock() });
    invalidateOverrideCache(this.deps.repos.db);
    const after = await this.get(actor, id);
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'override',
      entityId: id,
      customerId: values.customer_id ?? null,
      before,
      after,
    });
    return after;
  }

  async delete(actor: Actor, id: number): Promise<void> {
    const row = await this.find(actor, id);
    requireAccess(actor, 'admin', row.customer_id, 'override');
    await this.deps.repos.overrides.delete(id);
    invalidateOverrideCache(this.deps.repos.db);
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'override',
      entityId: id,
      customerId: row.customer_id,
      before: overrideDto(row, row.created_by_name),
    });
  }

  /**
   * Re-evaluates every unreviewed run in the caller's customers against the current rules:
   * new matches become success, outcomes of rules that no longer match are cleared; a manual
   * "Mark as success" is kept.
   */
  async apply(actor: Actor) {
    requireAccess(actor, 'write', undefined, 'overrides');
    const repos = this.deps.repos;
    const ids = await repos.overrides.unreviewedCandidateIds(customerScope(actor));
    let changed = 0;
    for (let i = 0; i < ids.length; i += APPLY_BATCH)
      changed += await applyOverridesToRuns(repos, ids.slice(i, i + APPLY_BATCH), this.deps.clock());
    await audit(this.deps, actor, {
      action: 'apply',
      entity: 'override',
      entityId: null,
      customerId: null,
      after: { examined: ids.length, changed },
    });
    return { changed };
  }
}
