import { randomUUID } from 'node:crypto';
import {
  NOTIFY_CONDITIONS,
  type CompressionSettings,
  type NotifyCondition,
  type RetentionPolicy,
  type RunStatus,
  type Schedule,
} from '../core/domain.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import { selectRetention, validateRetention } from '../core/retention.js';
import { jobStatus } from '../core/run-status.js';
import { describeSchedule, nextFireAfter, validateSchedule } from '../core/schedule.js';
import { effectiveSchedule } from '../core/system-tasks.js';
import { parseDuration } from '../core/duration.js';
import { validateCompression } from '../compression/compression.js';
import type { JobListRow } from '../db/repositories/job.repository.js';
import type { CustomerRow, JobRow } from '../db/schema.js';
import { can, canSeeCustomer, customerScope, requireAccess, type Actor } from './access.js';
import { isIdRef, type CustomerService } from './customer.service.js';
import type { EncryptionProfileService } from './encryption-profile.service.js';
import { MAX_RUN_SECONDS_MAX, MAX_RUN_SECONDS_MIN, maxRunSecondsOf } from './heartbeat.service.js';
import {
  DEFAULT_SIZE_CHECK,
  DEFAULT_TIMEOUT_SECONDS,
  MONITORED_ONLY_FIELDS,
  type BackupJobConfig,
  type JobInput,
  type ResolvedDestination,
  type ResolvedNotification,
} from './job.types.js';
import { checkName, type ResourceService } from './resource.service.js';
import { learnedScheduleDto } from './review.dto.js';
import { runDto, type RunService } from './run.service.js';
import { audit, type ServiceDeps } from './service-deps.js';
import type { SettingsService } from './settings.service.js';

const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** What a monitored job watches (null for other kinds). `pingUrl` is filled for heartbeat jobs elsewhere. */
function monitorDto(job: JobRow, config: Record<string, unknown>) {
  if (job.kind !== 'monitored') return null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const heartbeat = config.feed === 'heartbeat';
  return {
    feed: (heartbeat ? 'heartbeat' : 'email') as 'email' | 'heartbeat',
    sender: job.match_sender,
    jobName: str(config.jobName) ?? job.match_job_name,
    subjectPattern: str(config.subjectPattern),
    pingUrl: null as string | null,
    /** Heartbeat jobs: how long a started run waits for its success/fail ping (null for e-mail jobs). */
    maxRunSeconds: heartbeat ? maxRunSecondsOf(job) : null,
  };
}

/** What PATCH may change on a monitored job (plus maxRunSeconds on heartbeat jobs). */
const MONITORED_EDITABLE: readonly string[] = ['name', 'description', 'enabled', 'notifications'];

export interface JobServiceDeps {
  customers: CustomerService;
  sources: ResourceService;
  destinations: ResourceService;
  channels: ResourceService;
  profiles: EncryptionProfileService;
  runs: RunService;
  settings: SettingsService;
  /** Called after a change that can move the next fire, so the scheduler re-arms its timer. */
  onScheduleChange: () => void;
  /** KEEPWATCH_PUBLIC_URL: the base of heartbeat ping URLs shown to admins and operators. */
  publicUrl?: string;
}

/** The parts of a job input that validate without looking anything up, normalised. */
export interface StaticJobSettings {
  schedule?: Schedule;
  compression?: CompressionSettings;
  retentions?: RetentionPolicy[];
  timeoutSeconds?: number;
}

export const JOB_SORTS = ['name', 'status', 'customer', 'lastRun', 'nextRun'] as const;
const JOB_STATUSES = ['active', 'disabled', 'running', 'failed', 'archived'] as const;
/** Status order for sorting: what needs attention first. */
const STATUS_ORDER: readonly string[] = ['failed', 'running', 'active', 'disabled', 'archived'];
const NAME_COLLATOR = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

export interface JobListQuery {
  kind?: string | undefined;
  /** Comma-separated job statuses (active, disabled, running, failed, archived). */
  status?: string | undefined;
  /** Part of the name, case-insensitive. */
  q?: string | undefined;
  customerId?: number | undefined;
  archived?: boolean | undefined;
  sort?: string | undefined;
  order?: string | undefined;
  page?: number | undefined;
  /** 1..500; undefined = every matching job on one page. */
  pageSize?: number | undefined;
}

/** Use cases of jobs of every kind: create/edit, run now, enable/disable, duplicate, archive, delete. */
export class JobService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly s: JobServiceDeps,
  ) {}

  async instanceTimezone(): Promise<string> {
    return (await this.s.settings.current()).timezone;
  }

  /** Validates and normalises what needs no database (used by config-as-code planning). */
  normalizeStatic(input: JobInput, timezone: string): StaticJobSettings {
    const out: StaticJobSettings = {};
    if (input.schedule !== undefined) out.schedule = validateSchedule(input.schedule, timezone);
    if (input.compression !== undefined) out.compression = validateCompression(input.compression);
    if (input.destinations !== undefined) {
      if (!Array.isArray(input.destinations)) throw new ValidationError('job.destinations must be a list');
      out.retentions = input.destinations.map((d, i) =>
        validateRetention(d?.retention ?? { type: 'none' }, `destinations[${i}].retention`),
      );
    }
    if (input.timeoutSeconds !== undefined)
      out.timeoutSeconds = parseDuration(input.timeoutSeconds, 'job.timeoutSeconds');
    else if (input.timeout !== undefined) out.timeoutSeconds = parseDuration(input.timeout, 'job.timeout');
    return out;
  }

  /** By id, by name (unique among visible jobs), or by "customer-slug/name". */
  async find(actor: Actor, ref: number | string): Promise<JobRow> {
    const repo = this.deps.repos.jobs;
    const text = String(ref).trim();
    let job: JobRow | undefined;
    if (isIdRef(text)) job = await repo.get(Number(text));
    if (!job) {
      let name = text;
      let customerId: number | undefined;
      const slash = text.indexOf('/');
      if (slash > 0) {
        const c = await this.deps.repos.customers.findByNameOrSlug(text.slice(0, slash));
        if (c && canSeeCustomer(actor, c.id)) {
          customerId = c.id;
          name = text.slice(slash + 1);
        }
      }
      const rows = await repo.byName(name, customerScope(actor), customerId);
      if (rows.length > 1)
        throw new ConflictError(
          `job name '${text}' exists for several customers; use the job id or customer-slug/name`,
        );
      job = rows[0];
    }
    if (!job || !canSeeCustomer(actor, job.customer_id)) throw new NotFoundError(`job '${text}' not found`);
    return job;
  }

  async get(actor: Actor, ref: number | string) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'read', job.customer_id, 'job');
    return this.dto(job, undefined, actor);
  }

  /**
   * The jobs list: filtered (kind, customer, part of the name, status), sorted and paged on the
   * server. Status and last-run order need each job's last run, so they are computed here, in
   * the same way for both dialects; only the requested page is turned into full DTOs.
   * Without `pageSize` every matching job is returned (internal callers such as the export).
   */
  async list(actor: Actor, q: JobListQuery) {
    requireAccess(actor, 'read', q.customerId, 'jobs');
    const statuses = q.status
      ? q.status
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
    for (const s of statuses)
      if (!(JOB_STATUSES as readonly string[]).includes(s))
        throw new ValidationError(`status: '${s}' is not a job status (${JOB_STATUSES.join(', ')})`);
    const sort = q.sort ?? 'name';
    if (!(JOB_SORTS as readonly string[]).includes(sort))
      throw new ValidationError(`sort: '${sort}' is not a sort key (${JOB_SORTS.join(', ')})`);
    const order = q.order ?? 'asc';
    if (order !== 'asc' && order !== 'desc') throw new ValidationError(`order: must be asc or desc`);
    const page = q.page ?? 1;
    if (!Number.isInteger(page) || page < 1) throw new ValidationError('page: must be a whole number from 1');
    if (q.pageSize !== undefined && (!Number.isInteger(q.pageSize) || q.pageSize < 1 || q.pageSize > 500))
      throw new ValidationError('pageSize: must be between 1 and 500');

    const repos = this.deps.repos;
    const rows = await repos.jobs.list({
      scope: customerScope(actor),
      kind: q.kind,
      customerId: q.customerId,
      q: q.q,
      archived: q.archived ?? false,
    });
    // The last run decides "failed" and the last-run order: load it only when needed.
    const needRuns = statuses.length > 0 || sort === 'status' || sort === 'lastRun';
    const lastRuns = new Map<number, { status: string; at: number }>();
    if (needRuns) {
      const ids = [...new Set(rows.map((r) => r.last_run_id).filter((id): id is number => id != null))];
      const runs = await Promise.all(ids.map((id) => repos.runs.get(id)));
      for (const r of runs)
        if (r) lastRuns.set(r.id, { status: r.status, at: r.finished_at ?? r.started_at ?? r.queued_at });
    }
    const customerNames = new Map<number, string>(
      sort === 'customer' ? (await repos.customers.list(null)).map((c) => [c.id, c.name]) : [],
    );
    const entries = rows.map((row) => {
      const last = row.last_run_id != null ? lastRuns.get(row.last_run_id) : undefined;
      return {
        row,
        status: jobStatus({
          enabled: row.enabled === 1,
          archived: row.archived_at !== null,
          activeRun: row.active_run_id != null,
          lastRunStatus: (last?.status as RunStatus | undefined) ?? null,
        }),
        lastRunAt: last?.at ?? null,
        customer: customerNames.get(row.customer_id) ?? '',
      };
    });
    const kept = statuses.length ? entries.filter((e) => statuses.includes(e.status)) : entries;

    const dir = order === 'desc' ? -1 : 1;
    const byName = (a: (typeof kept)[number], b: (typeof kept)[number]) =>
      NAME_COLLATOR.compare(a.row.name, b.row.name) || a.row.id - b.row.id;
    // Jobs without a value (never ran, no next fire) come last in both directions.
    const nullsLast = (x: number | null, y: number | null) =>
      x === y ? 0 : x === null ? 1 : y === null ? -1 : dir * (x - y);
    kept.sort((a, b) => {
      switch (sort) {
        case 'status':
          return dir * (STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status)) || byName(a, b);
        case 'customer':
          return dir * NAME_COLLATOR.compare(a.customer, b.customer) || byName(a, b);
        case 'lastRun':
          return nullsLast(a.lastRunAt, b.lastRunAt) || byName(a, b);
        case 'nextRun':
          return nullsLast(a.row.next_fire_at, b.row.next_fire_at) || byName(a, b);
        default:
          return dir * byName(a, b);
      }
    });

    const pageSize = q.pageSize ?? Math.max(kept.length, 1);
    const slice = q.pageSize === undefined ? kept : kept.slice((page - 1) * pageSize, page * pageSize);
    const items = await Promise.all(slice.map((e) => this.dto(e.row, e.row, actor)));
    return { items, total: kept.length, page: q.pageSize === undefined ? 1 : page, pageSize };
  }

  /** `actor` decides whether secrets meant for job owners (the heartbeat ping URL) are shown. */
  async dto(job: JobRow, listRow?: JobListRow, actor?: Actor) {
    const repos = this.deps.repos;
    const [customer, dests, notes] = await Promise.all([
      repos.customers.get(job.customer_id),
      repos.jobs.destinations(job.id),
      repos.jobs.notifications(job.id),
    ]);
    const schedule = JSON.parse(job.schedule) as Schedule;
    const config = JSON.parse(job.config) as Record<string, unknown>;
    const lastRunId = listRow
      ? listRow.last_run_id
      : (await repos.runs.recentForJob(job.id, 5)).find((r) => r.status !== 'queued' && r.status !== 'running')?.id;
    const activeRunId = listRow ? listRow.active_run_id : (await repos.runs.activeForJob(job.id))?.id;
    const lastRun = lastRunId ? await repos.runs.get(lastRunId) : undefined;
    // Review workflow: the learned schedule (monitored jobs) and the open remark/ticket indicators.
    const [learned, openRemarks, openTickets] = await Promise.all([
      job.kind === 'monitored' ? repos.learnedSchedules.get(job.id) : undefined,
      repos.review.openRemarkJobs([job.id]),
      repos.review.openTicketJobs([job], this.deps.clock()),
    ]);
    const isBackup = job.kind === 'backup';
    const bc = config as unknown as BackupJobConfig;
    const source = isBackup ? await repos.sources.get(bc.sourceId) : undefined;
    const profile = isBackup && bc.encryptionProfileId ? await repos.profiles.get(bc.encryptionProfileId) : undefined;
    const destinations = await Promise.all(
      dests.map(async (d) => {
        const row = await repos.destinations.get(d.destination_id);
        return {
          id: d.destination_id,
          name: row?.name ?? '?',
          kind: row?.kind ?? '?',
          retention: JSON.parse(d.retention) as RetentionPolicy,
        };
      }),
    );
    const notifications = await Promise.all(
      notes.map(async (n) => {
        const row = await repos.channels.get(n.channel_id);
        return {
          channel: { id: n.channel_id, name: row?.name ?? '?', kind: row?.kind ?? '?' },
          condition: n.condition,
        };
      }),
    );
    return {
      id: job.id,
      kind: job.kind,
      name: job.name,
      description: job.description,
      customer: { id: job.customer_id, name: customer?.name ?? '?', slug: customer?.slug ?? '?' },
      enabled: job.enabled === 1,
      archived: job.archived_at !== null,
      status: jobStatus({
        enabled: job.enabled === 1,
        archived: job.archived_at !== null,
        activeRun: activeRunId != null,
        lastRunStatus: (lastRun?.status as RunStatus | undefined) ?? null,
      }),
      activeRunId: activeRunId ?? null,
      schedule,
      scheduleText:
        schedule.type === 'automatic'
          ? `Automatic (${describeSchedule(effectiveSchedule(schedule, config.task as string))})`
          : describeSchedule(schedule),
      nextRunAt: iso(job.next_fire_at),
      lastRun: lastRun ? runDto(lastRun) : null,
      source: source ? { id: source.id, name: source.name, kind: source.kind } : null,
      database: isBackup ? (bc.database ?? null) : null,
      destinations,
      compression: isBackup ? bc.compression : null,
      encryptionProfile: profile ? { id: profile.id, name: profile.name } : null,
      timeoutSeconds: isBackup ? bc.timeoutSeconds : null,
      sizeCheck: isBackup ? bc.sizeCheck : null,
      task: job.kind === 'system' ? (config.task as string) : null,
      notifications,
      software: job.software,
      backupType: job.backup_type,
      monitor: this.withPingUrl(monitorDto(job, config), job, actor),
      learnedSchedule: learnedScheduleDto(learned),
      hasOpenRemark: openRemarks.has(job.id),
      hasOpenTicket: openTickets.has(job.id),
      createdAt: iso(job.created_at),
      updatedAt: iso(job.updated_at),
    };
  }

  /**
   * The ping URL carries the token, which is the job's only credential: only admins and
   * operators (who could create such a job) see it; answers without an actor (audit) never do.
   */
  private withPingUrl<T extends { pingUrl: string | null } | null>(monitor: T, job: JobRow, actor?: Actor): T {
    if (!monitor || !job.ping_token || !actor || !can(actor, 'write')) return monitor;
    const base = (this.s.publicUrl ?? 'http://localhost:8080').replace(/\/+$/, '');
    return { ...monitor, pingUrl: `${base}/ping/${job.ping_token}` };
  }

  /** `POST /api/jobs {kind: 'monitored', feed: 'heartbeat', ...}`: a job fed by /ping/<token>. */
  private async createHeartbeat(actor: Actor, customer: CustomerRow, input: JobInput) {
    if (input.feed !== 'heartbeat')
      throw new ValidationError(
        "job.feed must be 'heartbeat': e-mail monitored jobs are created by approving a message in the Inbox or by import",
      );
    const allowed = ['kind', 'feed', 'name', 'customer', 'customerId', 'description', 'enabled'];
    for (const k of Object.keys(input))
      if (!allowed.includes(k)) throw new ValidationError(`job.${k} does not apply to a heartbeat job`);
    const name = checkName(input.name, 'job');
    if ((await this.deps.repos.jobs.byName(name, null, customer.id)).length)
      throw new ConflictError(`job '${name}' already exists for customer '${customer.name}'`);
    const now = this.deps.clock();
    const job = await this.deps.repos.jobs.insert({
      customer_id: customer.id,
      kind: 'monitored',
      name,
      description: String(input.description ?? ''),
      enabled: input.enabled === false ? 0 : 1,
      archived_at: null,
      deleted_at: null,
      schedule: JSON.stringify({ type: 'manual' }),
      next_fire_at: null,
      config: JSON.stringify({ feed: 'heartbeat' }),
      created_at: now,
      updated_at: now,
      software: null,
      backup_type: null,
      match_sender: null,
      match_job_name: null,
      ping_token: randomUUID(),
    });
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'job',
      entityId: job.id,
      customerId: customer.id,
      after: await this.dto(job),
    });
    return this.dto(job, undefined, actor);
  }

  private async nextFire(
    schedule: Schedule,
    enabled: boolean,
    archived: boolean,
    job?: JobRow,
  ): Promise<number | null> {
    if (!enabled || archived) return null;
    const task = job?.kind === 'system' ? ((JSON.parse(job.config) as { task?: string }).task ?? null) : null;
    return nextFireAfter(effectiveSchedule(schedule, task), new Date(this.deps.clock()))?.getTime() ?? null;
  }

  /** Turns an input (ids or names) into validated settings; `base` supplies unchanged values on update. */
  private async resolve(actor: Actor, customerId: number, input: JobInput, base?: JobRow) {
    const tz = (await this.s.settings.current()).timezone;
    const old = base ? (JSON.parse(base.config) as BackupJobConfig) : undefined;
    const schedule =
      input.schedule !== undefined
        ? validateSchedule(input.schedule, tz)
        : base
          ? (JSON.parse(base.schedule) as Schedule)
          : ({ type: 'manual' } as Schedule);

    const sourceRef = input.sourceId ?? input.source;
    let sourceId = old?.sourceId;
    if (sourceRef !== undefined) {
      sourceId = (await this.ownResource(this.s.sources, actor, sourceRef, customerId, 'job.source', 'source')).id;
    }
    if (sourceId === undefined) throw new ValidationError('job.source is required for a backup job');

    let destinations: ResolvedDestination[] | undefined;
    if (input.destinations !== undefined) {
      if (!Array.isArray(input.destinations) || input.destinations.length === 0)
        throw new ValidationError('job.destinations must list at least one destination');
      destinations = [];
      for (const [i, d] of input.destinations.entries()) {
        const ref = d?.destinationId ?? d?.destination;
        if (ref === undefined) throw new ValidationError(`job.destinations[${i}].destination is required`);
        const row = await this.ownResource(
          this.s.destinations,
          actor,
          ref,
          customerId,
          `job.destinations[${i}]`,
          'destination',
        );
        if (destinations.some((x) => x.destinationId === row.id))
          throw new ValidationError(`job.destinations[${i}]: destination '${row.name}' is listed twice`);
        let retention: RetentionPolicy;
        try {
          retention = validateRetention(d.retention ?? { type: 'none' });
        } catch (err) {
          throw new ValidationError(`job.destinations[${i}].retention: ${(err as Error).message}`);
        }
        destinations.push({ destinationId: row.id, retention });
      }
    } else if (!base) throw new ValidationError('job.destinations must list at least one destination');

    const notifications = await this.resolveNotifications(actor, customerId, input);

    let encryptionProfileId = old?.encryptionProfileId ?? null;
    const profileRef = input.encryptionProfileId !== undefined ? input.encryptionProfileId : input.encryptionProfile;
    if (profileRef !== undefined) {
      if (profileRef === null || profileRef === '') encryptionProfileId = null;
      else {
        const p = await this.s.profiles.find(
          actor,
          profileRef,
          typeof profileRef === 'string' && !/^\d+$/.test(profileRef) ? customerId : undefined,
        );
        if (p.customer_id !== customerId)
          throw new ValidationError(`job.encryptionProfile '${p.name}' belongs to another customer`);
        encryptionProfileId = p.id;
      }
    }

    const compression =
      input.compression !== undefined
        ? validateCompression(input.compression)
        : (old?.compression ?? validateCompression({ algorithm: 'zstd' }));
    let timeoutSeconds = old?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (input.timeoutSeconds !== undefined) timeoutSeconds = parseDuration(input.timeoutSeconds, 'job.timeoutSeconds');
    else if (input.timeout !== undefined) timeoutSeconds = parseDuration(input.timeout, 'job.timeout');
    if (timeoutSeconds < 10 || timeoutSeconds > 7 * 86400)
      throw new ValidationError('job.timeout must be between 10 seconds and 7 days');

    const sizeCheck = { ...DEFAULT_SIZE_CHECK, ...(old?.sizeCheck ?? {}), ...(input.sizeCheck ?? {}) };
    if (!Number.isInteger(sizeCheck.minBytes) || sizeCheck.minBytes < 0)
      throw new ValidationError('job.sizeCheck.minBytes must be a non-negative integer');
    if (typeof sizeCheck.minRatio !== 'number' || sizeCheck.minRatio < 0 || sizeCheck.minRatio > 1)
      throw new ValidationError('job.sizeCheck.minRatio must be between 0 and 1');

    let database = old?.database;
    if (input.database !== undefined)
      database = input.database === null || input.database === '' ? undefined : String(input.database);

    const config: BackupJobConfig = {
      sourceId,
      compression,
      encryptionProfileId,
      timeoutSeconds,
      sizeCheck,
      ...(database ? { database } : {}),
    };
    return { schedule, config, destinations, notifications };
  }

  /**
   * A source, destination or channel a job refers to (by id, or by name within the job's
   * customer), which must belong to the job's own customer.
   */
  private async ownResource(
    resources: ResourceService,
    actor: Actor,
    ref: number | string,
    customerId: number,
    path: string,
    what: string,
  ) {
    const row = await resources.find(
      actor,
      ref,
      typeof ref === 'string' && !/^\d+$/.test(ref) ? customerId : undefined,
    );
    if (row.customer_id !== customerId)
      throw new ValidationError(`${path}: ${what} '${row.name}' belongs to another customer`);
    return row;
  }

  /** `notifications: [{channel|channelId, condition}]` → channels of the job's customer; undefined = unchanged. */
  private async resolveNotifications(
    actor: Actor,
    customerId: number,
    input: JobInput,
  ): Promise<ResolvedNotification[] | undefined> {
    if (input.notifications === undefined) return undefined;
    if (!Array.isArray(input.notifications)) throw new ValidationError('job.notifications must be a list');
    const notifications: ResolvedNotification[] = [];
    for (const [i, n] of input.notifications.entries()) {
      const ref = n?.channelId ?? n?.channel;
      if (ref === undefined) throw new ValidationError(`job.notifications[${i}].channel is required`);
      const row = await this.ownResource(this.s.channels, actor, ref, customerId, `job.notifications[${i}]`, 'channel');
      const condition = (n.condition ?? n.when ?? 'failure') as NotifyCondition;
      if (!NOTIFY_CONDITIONS.includes(condition))
        throw new ValidationError(`job.notifications[${i}].condition must be one of ${NOTIFY_CONDITIONS.join(', ')}`);
      notifications.push({ channelId: row.id, condition });
    }
    return notifications;
  }

  async create(actor: Actor, input: JobInput) {
    const customer = await this.s.customers.resolve(actor, input.customerId ?? input.customer);
    requireAccess(actor, 'write', customer.id, 'job');
    const kind = input.kind ?? 'backup';
    if (kind === 'monitored') return this.createHeartbeat(actor, customer, input);
    if (kind !== 'backup')
      throw new ValidationError(
        `job.kind '${kind}' cannot be created here (backup jobs only; system jobs are built in)`,
      );
    const name = checkName(input.name, 'job');
    if ((await this.deps.repos.jobs.byName(name, null, customer.id)).length)
      throw new ConflictError(`job '${name}' already exists for customer '${customer.name}'`);
    const r = await this.resolve(actor, customer.id, input);
    const enabled = input.enabled ?? true;
    const now = this.deps.clock();
    const job = await this.deps.repos.transaction(async (tx) => {
      const row = await tx.jobs.insert({
        customer_id: customer.id,
        kind,
        name,
        description: String(input.description ?? ''),
        enabled: enabled ? 1 : 0,
        archived_at: null,
        deleted_at: null,
        schedule: JSON.stringify(r.schedule),
        next_fire_at: await this.nextFire(r.schedule, enabled, false),
        config: JSON.stringify(r.config),
        created_at: now,
        updated_at: now,
      });
      await tx.jobs.replaceDestinations(
        row.id,
        (r.destinations ?? []).map((d, i) => ({
          destination_id: d.destinationId,
          position: i,
          retention: JSON.stringify(d.retention),
        })),
      );
      await tx.jobs.replaceNotifications(
        row.id,
        (r.notifications ?? []).map((n) => ({ channel_id: n.channelId, condition: n.condition })),
      );
      return row;
    });
    this.s.onScheduleChange();
    const dto = await this.dto(job);
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'job',
      entityId: job.id,
      customerId: customer.id,
      after: dto,
    });
    return dto;
  }

  async update(actor: Actor, ref: number | string, input: JobInput) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'write', job.customer_id, 'job');
    if (job.kind === 'system') return this.updateSystem(actor, job, input);
    if (job.kind === 'monitored') return this.updateMonitored(actor, job, input);
    for (const k of MONITORED_ONLY_FIELDS)
      if (input[k] !== undefined) throw new ValidationError(`job.${k} applies to monitored jobs only`);
    if (input.customer !== undefined || input.customerId !== undefined) {
      const c = await this.s.customers.resolve(actor, input.customerId ?? input.customer);
      if (c.id !== job.customer_id)
        throw new ValidationError('job.customer cannot be changed; duplicate the job for the other customer');
    }
    if (input.kind !== undefined && input.kind !== job.kind) throw new ValidationError('job.kind cannot be changed');
    const before = await this.dto(job);
    let name = job.name;
    if (input.name !== undefined && input.name !== job.name) {
      name = checkName(input.name, 'job');
      if ((await this.deps.repos.jobs.byName(name, null, job.customer_id)).length)
        throw new ConflictError(`job '${name}' already exists`);
    }
    const r = await this.resolve(actor, job.customer_id, input, job);
    const enabled = input.enabled ?? job.enabled === 1;
    await this.deps.repos.transaction(async (tx) => {
      await tx.jobs.update(job.id, {
        name,
        description: input.description !== undefined ? String(input.description) : job.description,
        enabled: enabled ? 1 : 0,
        schedule: JSON.stringify(r.schedule),
        next_fire_at: await this.nextFire(r.schedule, enabled, job.archived_at !== null),
        config: JSON.stringify(r.config),
        updated_at: this.deps.clock(),
      });
      if (r.destinations)
        await tx.jobs.replaceDestinations(
          job.id,
          r.destinations.map((d, i) => ({
            destination_id: d.destinationId,
            position: i,
            retention: JSON.stringify(d.retention),
          })),
        );
      if (r.notifications)
        await tx.jobs.replaceNotifications(
          job.id,
          r.notifications.map((n) => ({ channel_id: n.channelId, condition: n.condition })),
        );
    });
    this.s.onScheduleChange();
    const after = await this.dto((await this.deps.repos.jobs.get(job.id))!);
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'job',
      entityId: job.id,
      customerId: job.customer_id,
      before,
      after,
    });
    return after;
  }

  /**
   * Monitored jobs take their matching from the approved report (software, type, job name and
   * sender) or from their ping URL, and are run by the product that reports them: only the
   * name, description, enabled flag and notifications change, and for heartbeat jobs how long
   * a started run waits for its completion ping (`maxRunSeconds`).
   */
  private async updateMonitored(actor: Actor, job: JobRow, input: JobInput) {
    const config = JSON.parse(job.config) as Record<string, unknown>;
    const heartbeat = config.feed === 'heartbeat';
    const editable = heartbeat
      ? 'name, description, enabled, notifications and maxRunSeconds'
      : 'name, description, enabled and notifications';
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined || MONITORED_EDITABLE.includes(k)) continue;
      if (k === 'kind' && v === 'monitored') continue;
      if (k === 'maxRunSeconds' && heartbeat) continue;
      if (k === 'maxRunSeconds')
        throw new ValidationError(
          'job.maxRunSeconds applies to heartbeat jobs only: a run of an e-mail job is recorded when its report arrives',
        );
      if ((k === 'customerId' && v === job.customer_id) || (k === 'feed' && v === config.feed)) continue;
      if (k === 'customer' || k === 'customerId')
        throw new ValidationError(
          heartbeat
            ? `job.${k} cannot be changed on a monitored job: delete the job and create it again for the other customer (it gets a new ping URL)`
            : `job.${k} cannot be changed on a monitored job: delete the job (its messages return to the Inbox) and approve one of them again for the other customer`,
        );
      throw new ValidationError(
        `job.${k} cannot be changed on a monitored job: monitored jobs take their matching from the approved report (software, type, job name and sender come from the report and cannot be edited) and are run by the product that reports them; only ${editable} can be changed`,
      );
    }
    let maxRunSeconds: number | undefined;
    if (input.maxRunSeconds !== undefined) {
      maxRunSeconds = input.maxRunSeconds;
      if (
        !Number.isInteger(maxRunSeconds) ||
        maxRunSeconds < MAX_RUN_SECONDS_MIN ||
        maxRunSeconds > MAX_RUN_SECONDS_MAX
      )
        throw new ValidationError(
          `job.maxRunSeconds must be a whole number of seconds from ${MAX_RUN_SECONDS_MIN} (1 minute) to ${MAX_RUN_SECONDS_MAX} (7 days)`,
        );
    }
    let name = job.name;
    if (input.name !== undefined && input.name !== job.name) {
      name = checkName(input.name, 'job');
      if ((await this.deps.repos.jobs.byName(name, null, job.customer_id)).some((j) => j.id !== job.id)) {
        const customer = await this.deps.repos.customers.get(job.customer_id);
        throw new ConflictError(`job '${name}' already exists for customer '${customer?.name ?? job.customer_id}'`);
      }
    }
    const notifications = await this.resolveNotifications(actor, job.customer_id, input);
    const before = await this.dto(job);
    await this.deps.repos.transaction(async (tx) => {
      await tx.jobs.update(job.id, {
        name,
        description: input.description !== undefined ? String(input.description) : job.description,
        enabled: (input.enabled ?? job.enabled === 1) ? 1 : 0,
        ...(maxRunSeconds !== undefined ? { config: JSON.stringify({ ...config, maxRunSeconds }) } : {}),
        updated_at: this.deps.clock(),
      });
      if (notifications)
        await tx.jobs.replaceNotifications(
          job.id,
          notifications.map((n) => ({ channel_id: n.channelId, condition: n.condition })),
        );
    });
    const updated = (await this.deps.repos.jobs.get(job.id))!;
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'job',
      entityId: job.id,
      customerId: job.customer_id,
      before,
      after: await this.dto(updated),
    });
    return this.dto(updated, undefined, actor);
  }

  /** System jobs: only their schedule (automatic / scheduled / manual) and enabled flag change. */
  private async updateSystem(actor: Actor, job: JobRow, input: JobInput) {
    requireAccess(actor, 'admin', job.customer_id, 'system job');
    const allowed = ['schedule', 'enabled'];
    for (const k of Object.keys(input))
      if (!allowed.includes(k)) throw new ValidationError(`job.${k} cannot be changed on a system job`);
    const tz = (await this.s.settings.current()).timezone;
    const schedule =
      input.schedule !== undefined ? validateSchedule(input.schedule, tz) : (JSON.parse(job.schedule) as Schedule);
    const enabled = input.enabled ?? job.enabled === 1;
    await this.deps.repos.jobs.update(job.id, {
      schedule: JSON.stringify(schedule),
      enabled: enabled ? 1 : 0,
      next_fire_at: await this.nextFire(schedule, enabled, false, job),
      updated_at: this.deps.clock(),
    });
    this.s.onScheduleChange();
    return this.dto((await this.deps.repos.jobs.get(job.id))!);
  }

  /** "Run now": allowed for disabled jobs too (DBackup: disabled jobs can still be triggered by hand). */
  async runNow(actor: Actor, ref: number | string, trigger: 'manual' | 'api' = 'api') {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'run', job.customer_id, 'job');
    if (job.kind === 'monitored')
      throw new ValidationError(
        `job '${job.name}' is a monitored job: monitored jobs are run by the product that reports them; Keepwatch records their runs from the reports (e-mail or heartbeat pings) and cannot start one`,
      );
    if (job.archived_at !== null) throw new ConflictError(`job '${job.name}' is archived; unarchive it to run it`);
    const run = await this.s.runs.enqueue({
      job,
      operation: job.kind === 'system' ? 'system' : 'backup',
      trigger,
      requestedBy: actor.userId,
    });
    await audit(this.deps, actor, {
      action: 'run',
      entity: 'job',
      entityId: job.id,
      customerId: job.customer_id,
      after: { runId: run.id },
    });
    return this.s.runs.get(actor, run.id);
  }

  async setEnabled(actor: Actor, ref: number | string, enabled: boolean) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'write', job.customer_id, 'job');
    const schedule = JSON.parse(job.schedule) as Schedule;
    await this.deps.repos.jobs.update(job.id, {
      enabled: enabled ? 1 : 0,
      next_fire_at: await this.nextFire(schedule, enabled, job.archived_at !== null, job),
      updated_at: this.deps.clock(),
    });
    this.s.onScheduleChange();
    await audit(this.deps, actor, {
      action: enabled ? 'enable' : 'disable',
      entity: 'job',
      entityId: job.id,
      customerId: job.customer_id,
    });
    return this.dto((await this.deps.repos.jobs.get(job.id))!);
  }

  async setArchived(actor: Actor, ref: number | string, archived: boolean) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'write', job.customer_id, 'job');
    if (job.kind === 'system') throw new ValidationError('system jobs cannot be archived; disable them instead');
    const schedule = JSON.parse(job.schedule) as Schedule;
    await this.deps.repos.jobs.update(job.id, {
      archived_at: archived ? this.deps.clock() : null,
      next_fire_at: await this.nextFire(schedule, job.enabled === 1, archived),
      updated_at: this.deps.clock(),
    });
    this.s.onScheduleChange();
    await audit(this.deps, actor, {
      action: archived ? 'archive' : 'unarchive',
      entity: 'job',
      entityId: job.id,
      customerId: job.customer_id,
    });
    return this.dto((await this.deps.repos.jobs.get(job.id))!);
  }

  async duplicate(actor: Actor, ref: number | string, newName?: string) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'write', job.customer_id, 'job');
    if (job.kind !== 'backup') throw new ValidationError('only backup jobs can be duplicated');
    let name = newName ? checkName(newName, 'job') : `${job.name} (copy)`;
    if (!newName)
      for (let i = 2; (await this.deps.repos.jobs.byName(name, null, job.customer_id)).length; i++)
        name = `${job.name} (copy ${i})`;
    const cfg = JSON.parse(job.config) as BackupJobConfig;
    const dests = await this.deps.repos.jobs.destinations(job.id);
    const notes = await this.deps.repos.jobs.notifications(job.id);
    return this.create(actor, {
      name,
      customerId: job.customer_id,
      description: job.description,
      // A copy starts disabled so it never fires next to its original before it was reviewed.
      enabled: false,
      schedule: JSON.parse(job.schedule) as unknown,
      sourceId: cfg.sourceId,
      database: cfg.database ?? null,
      destinations: dests.map((d) => ({
        destinationId: d.destination_id,
        retention: JSON.parse(d.retention) as unknown,
      })),
      compression: cfg.compression,
      encryptionProfileId: cfg.encryptionProfileId,
      timeoutSeconds: cfg.timeoutSeconds,
      notifications: notes.map((n) => ({ channelId: n.channel_id, condition: n.condition })),
      sizeCheck: cfg.sizeCheck,
    });
  }

  /** Deletes the job definition. Runs stay in history and stored backups are never touched. */
  async delete(actor: Actor, ref: number | string) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'write', job.customer_id, 'job');
    if (job.kind === 'system') throw new ValidationError('system jobs cannot be deleted; disable them instead');
    if (job.kind === 'monitored') return this.deleteMonitored(actor, job);
    const active = await this.deps.repos.runs.activeForJob(job.id);
    if (active)
      throw new ConflictError(`job '${job.name}' has a ${active.status} run (#${active.id}); cancel it first`);
    const before = await this.dto(job);
    await this.deps.repos.jobs.update(job.id, { deleted_at: this.deps.clock(), next_fire_at: null, enabled: 0 });
    this.s.onScheduleChange();
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'job',
      entityId: job.id,
      customerId: job.customer_id,
      before,
    });
    return { deleted: true, backupsKept: (await this.deps.repos.backups.list({ scope: null, jobId: job.id })).length };
  }

  /**
   * A monitored job's history is its reports: deleting the job removes its runs, remarks and
   * ticket scopes and puts its e-mails back in the Inbox, where they can be approved for
   * another customer (this is how a monitored job moves between customers).
   */
  private async deleteMonitored(actor: Actor, job: JobRow) {
    const before = await this.dto(job);
    const messages = await this.deps.repos.transaction(async (tx) => {
      const ids = await tx.mail.purgeJobHistory(job.id);
      await tx.jobs.update(job.id, {
        deleted_at: this.deps.clock(),
        next_fire_at: null,
        enabled: 0,
        // A deleted job must not keep answering pings or claiming reports.
        ping_token: null,
        match_sender: null,
        match_job_name: null,
      });
      return ids;
    });
    this.s.onScheduleChange();
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'job',
      entityId: job.id,
      customerId: job.customer_id,
      before,
      after: { messagesReturnedToInbox: messages },
    });
    return { deleted: true, backupsKept: 0, messagesReturned: messages };
  }

  async events(actor: Actor, ref: number | string) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'read', job.customer_id, 'job');
    return (await this.deps.repos.jobs.events(job.id)).map((e) => ({
      id: e.id,
      at: iso(e.at),
      level: e.level,
      message: e.message,
    }));
  }

  /** What retention would delete now, per destination, without deleting anything. */
  async retentionPreview(actor: Actor, ref: number | string, input: { destinationId?: number; retention?: unknown }) {
    const job = await this.find(actor, ref);
    requireAccess(actor, 'read', job.customer_id, 'job');
    const tz = (await this.s.settings.current()).timezone;
    const schedule = JSON.parse(job.schedule) as Schedule;
    const timezone = 'timezone' in schedule ? schedule.timezone : tz;
    const dests = (await this.deps.repos.jobs.destinations(job.id)).filter(
      (d) => input.destinationId === undefined || d.destination_id === input.destinationId,
    );
    const out = [];
    for (const d of dests) {
      const policy =
        input.retention !== undefined
          ? validateRetention(input.retention)
          : (JSON.parse(d.retention) as RetentionPolicy);
      const backups = await this.deps.repos.backups.forRetention(job.id, d.destination_id);
      const result = selectRetention(
        backups.map((b) => ({
          id: b.id,
          createdAt: new Date(b.created_at),
          pinned: b.pinned === 1,
          status: 'success' as const,
        })),
        policy,
        { timezone, now: new Date(this.deps.clock()) },
      );
      const byId = new Map(backups.map((b) => [b.id, b]));
      const show = (x: { id: number; reasons: string[] }) => ({
        id: x.id,
        key: byId.get(x.id)?.object_key,
        createdAt: iso(byId.get(x.id)?.created_at),
        reasons: x.reasons,
      });
      out.push({
        destinationId: d.destination_id,
        policy,
        keep: result.keep.map(show),
        delete: result.delete.map(show),
      });
    }
    return { destinations: out };
  }
}
