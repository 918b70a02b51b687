import {
  loadMailSourceAdapter,
  mailImporterSecretFields,
  validateMailImporterConfig,
} from '../adapters/mail-import/registry.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import { splitFields } from '../core/validate.js';
import type { Schedule } from '../core/domain.js';
import { nextFireAfter } from '../core/schedule.js';
import { effectiveSchedule } from '../core/system-tasks.js';
import type { JobRow, MailImporterRow } from '../db/schema.js';
import { requireAccess, type Actor } from './access.js';
import { checkName, stableJson } from './resource.service.js';
import type { RunService } from './run.service.js';
import { audit, type ServiceDeps } from './service-deps.js';

export const MAIL_IMPORTER_KINDS = ['imap', 'graph', 'smtp'] as const;
export type MailImporterKind = (typeof MAIL_IMPORTER_KINDS)[number];
export const IMPORT_INTERVALS = [5, 15, 30, 60] as const;
export const DEFAULT_INTERVAL_MINUTES = 15;
export const MAIL_IMPORT_TASK = 'mail_import';
export const DEFAULT_BATCH_SIZE = 100;
export const MAX_BATCH_SIZE = 1000;

/** Write-only fields per kind: sealed at rest, never answered, never logged. */
export const SECRET_FIELDS = mailImporterSecretFields as Readonly<Record<MailImporterKind, readonly string[]>>;
/** The contract's default: the receiver accepts reports from other machines unless told otherwise. */
const SMTP_DEFAULT_HOST = '0.0.0.0';

export interface MailImporterInput {
  name?: string;
  kind?: string;
  enabled?: boolean;
  intervalMinutes?: number;
  /** Settings of the kind; secret fields are write-only (left out: kept; null: cleared). */
  config?: Record<string, unknown>;
}

/** What the SMTP receiver of this process says about an importer (wired by the composition root). */
export interface SmtpListenerStatus {
  listening: boolean;
  port: number | null;
  error: string | null;
}

export interface MailImporterServiceDeps {
  runs: RunService;
  /** An importer was created, changed or deleted: the SMTP receiver reloads. */
  onChange?: () => void;
  /** The mail_import job's next fire moved: the scheduler re-arms its timer. */
  onScheduleChange?: () => void;
  smtpStatus?: (importerId: number) => SmtpListenerStatus;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Polls start on minute boundaries and take a moment: an importer read at 10:00:01 with a
 * 15-minute interval must be due at 10:15:00, not a minute later, so "due" allows this slack.
 */
const DUE_SLACK_MS = 30_000;

/** When an importer is next to be read (epoch ms; 0 = never read, due at once). */
export function importerDueAt(row: MailImporterRow): number {
  return row.last_import_at === null ? 0 : row.last_import_at + row.interval_minutes * 60_000 - DUE_SLACK_MS;
}

function isKind(kind: unknown): kind is MailImporterKind {
  return typeof kind === 'string' && (MAIL_IMPORTER_KINDS as readonly string[]).includes(kind);
}

/**
 * Mail importers: installation-wide mailboxes (IMAP, Microsoft Graph) polled by the `mail_import`
 * system job, and the built-in SMTP receiver. Secrets follow the resource pattern: sealed with
 * the SecretBox, answered only as `hasSecret`, and audited by name, never by value.
 */
export class MailImporterService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly s: MailImporterServiceDeps,
  ) {}

  /** Importers hold mailbox credentials of the whole installation: customer-scoped users never see them. */
  private check(actor: Actor, permission: 'read' | 'run' | 'admin'): void {
    requireAccess(actor, permission, undefined, 'mail importers');
    if (!actor.allCustomers)
      throw new ForbiddenError('mail importers are managed by users with access to all customers');
  }

  dto(row: MailImporterRow) {
    const kind = row.kind as MailImporterKind;
    const secrets = this.openSecrets(row);
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      enabled: row.enabled === 1,
      intervalMinutes: row.interval_minutes,
      config: JSON.parse(row.config) as Record<string, unknown>,
      hasSecret: Object.fromEntries(
        (SECRET_FIELDS[kind] ?? []).map((f) => [
          f,
          secrets[f] !== undefined && secrets[f] !== null && secrets[f] !== '',
        ]),
      ),
      lastImportAt: iso(row.last_import_at),
      lastError: row.last_error,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  private openSecrets(row: MailImporterRow): Record<string, unknown> {
    return row.secrets ? this.deps.box.open<Record<string, unknown>>(row.secrets) : {};
  }

  private async find(id: number): Promise<MailImporterRow> {
    const row = Number.isSafeInteger(id) ? await this.deps.repos.mailImporters.get(id) : undefined;
    if (!row) throw new NotFoundError(`mail importer ${id} not found`);
    return row;
  }

  async list(actor: Actor) {
    this.check(actor, 'read');
    return (await this.deps.repos.mailImporters.list()).map((r) => this.dto(r));
  }

  async get(actor: Actor, id: number) {
    this.check(actor, 'read');
    return this.dto(await this.find(id));
  }

  private interval(v: unknown): number {
    if (v === undefined) return DEFAULT_INTERVAL_MINUTES;
    if (!(IMPORT_INTERVALS as readonly unknown[]).includes(v))
      throw new ValidationError(`mail_importer.intervalMinutes must be one of ${IMPORT_INTERVALS.join(', ')}`);
    return v as number;
  }

  /** Validates plain settings + secrets together (the adapter decides), then splits them again. */
  private validated(kind: MailImporterKind, merged: Record<string, unknown>) {
    const [plain, given] = splitFields(merged, SECRET_FIELDS[kind]);
    const secret: Record<string, string> = {};
    for (const f of SECRET_FIELDS[kind]) {
      const v = given[f];
      if (v === undefined || v === null || v === '') continue;
      if (typeof v !== 'string') throw new ValidationError(`${kind}.${f} must be text`);
      secret[f] = v;
    }
    if (kind === 'smtp' && (plain.host === undefined || plain.host === null || plain.host === ''))
      plain.host = SMTP_DEFAULT_HOST;
    const config = validateMailImporterConfig(kind, plain, secret) as unknown as Record<string, unknown>;
    return { plain: config, secret };
  }

  /** Two enabled SMTP importers cannot listen on the same port. */
  private async checkPort(kind: string, enabled: boolean, plain: Record<string, unknown>, selfId?: number) {
    if (kind !== 'smtp' || !enabled) return;
    for (const other of await this.deps.repos.mailImporters.enabledOfKind(['smtp'])) {
      if (other.id === selfId) continue;
      const port = (JSON.parse(other.config) as { port?: unknown }).port;
      if (port === plain.port)
        throw new ConflictError(`SMTP importer '${other.name}' already listens on port ${String(port)}`);
    }
  }

  async create(actor: Actor, input: MailImporterInput) {
    this.check(actor, 'admin');
    const name = checkName(input.name, 'mail_importer');
    if (!isKind(input.kind))
      throw new ValidationError(`mail_importer.kind must be one of ${MAIL_IMPORTER_KINDS.join(', ')}`);
    const kind = input.kind;
    const intervalMinutes = this.interval(input.intervalMinutes);
    const enabled = input.enabled ?? true;
    const { plain, secret } = this.validated(kind, { ...(input.config ?? {}) });
    if (await this.deps.repos.mailImporters.byName(name))
      throw new ConflictError(`mail importer '${name}' already exists`);
    await this.checkPort(kind, enabled, plain);
    const row = await this.deps.repos.mailImporters.insert({
      name,
      kind,
      enabled: enabled ? 1 : 0,
      config: JSON.stringify(plain),
      secrets: Object.keys(secret).length ? this.deps.box.seal(secret) : null,
      intervalMinutes,
      now: this.deps.clock(),
    });
    await audit(this.deps, actor, {
      action: 'create',
      entity: 'mail_importer',
      entityId: row.id,
      customerId: null,
      after: { name, kind, enabled, intervalMinutes, config: plain },
    });
    await this.changed(enabled && kind !== 'smtp');
    return this.dto(row);
  }

  async update(actor: Actor, id: number, input: MailImporterInput) {
    this.check(actor, 'admin');
    const row = await this.find(id);
    const kind = row.kind as MailImporterKind;
    if (input.kind !== undefined && input.kind !== row.kind)
      throw new ValidationError(`mail_importer.kind cannot be changed (is ${row.kind}); create a new importer`);
    const patch: Parameters<typeof this.deps.repos.mailImporters.update>[1] = {};
    if (input.name !== undefined && input.name !== row.name) {
      const name = checkName(input.name, 'mail_importer');
      if (await this.deps.repos.mailImporters.byName(name))
        throw new ConflictError(`mail importer '${name}' already exists`);
      patch.name = name;
    }
    if (input.intervalMinutes !== undefined) patch.interval_minutes = this.interval(input.intervalMinutes);
    const enabled = input.enabled ?? row.enabled === 1;
    patch.enabled = enabled ? 1 : 0;
    const oldSecrets = this.openSecrets(row);
    let plain = JSON.parse(row.config) as Record<string, unknown>;
    let changedCredentials: string[] = [];
    if (input.config) {
      // A secret left out keeps its stored value; null (or '') clears it.
      const v = this.validated(kind, { ...oldSecrets, ...input.config });
      plain = v.plain;
      patch.config = JSON.stringify(v.plain);
      patch.secrets = Object.keys(v.secret).length ? this.deps.box.seal(v.secret) : null;
      changedCredentials = SECRET_FIELDS[kind].filter(
        (f) => stableJson(oldSecrets[f] ?? null) !== stableJson(v.secret[f] ?? null),
      );
    }
    await this.checkPort(kind, enabled, plain, row.id);
    await this.deps.repos.mailImporters.update(row.id, patch, this.deps.clock());
    const after = (await this.deps.repos.mailImporters.get(row.id))!;
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'mail_importer',
      entityId: row.id,
      customerId: null,
      before: {
        name: row.name,
        enabled: row.enabled === 1,
        intervalMinutes: row.interval_minutes,
        config: JSON.parse(row.config) as unknown,
      },
      after: { name: after.name, enabled, intervalMinutes: after.interval_minutes, config: plain, changedCredentials },
    });
    // Switched on, or its mailbox settings changed: poll it now rather than at the next interval.
    await this.changed(kind !== 'smtp' && enabled && (row.enabled === 0 || input.config !== undefined));
    return this.dto(after);
  }

  async delete(actor: Actor, id: number): Promise<void> {
    this.check(actor, 'admin');
    const row = await this.find(id);
    await this.deps.repos.mailImporters.delete(row.id);
    await audit(this.deps, actor, {
      action: 'delete',
      entity: 'mail_importer',
      entityId: row.id,
      customerId: null,
      before: { name: row.name, kind: row.kind },
    });
    await this.changed(false);
  }

  /** Tells the SMTP runtime, and arms the polling job (at once when an importer became due). */
  private async changed(pollNow: boolean): Promise<void> {
    this.s.onChange?.();
    // The change is saved; a scheduling hiccup must not turn it into an error (the next change,
    // run or restart syncs again).
    await this.syncPolling(pollNow).catch(() => undefined);
  }

  /** The built-in `mail_import` system job (one per installation). */
  async systemJob(): Promise<JobRow | undefined> {
    const jobs = await this.deps.repos.jobs.list({ scope: null, kind: 'system' });
    return jobs.find((j) => (JSON.parse(j.config) as { task?: string }).task === MAIL_IMPORT_TASK);
  }

  /**
   * Schedules the mail_import job for the moment the first importer is due, so it only fires
   * when there is something to read: at once for one never polled (new, re-enabled, changed),
   * else at the minute its interval ends; parked (no fire, no empty runs) while no IMAP/Graph
   * importer is enabled. A schedule an admin set on the job instead of `automatic` is kept, and
   * `pollNow` only brings its next fire forward. Called on every importer change, at start and
   * at the end of each mail import run.
   */
  async syncPolling(pollNow = false): Promise<void> {
    const job = await this.systemJob();
    if (!job) return;
    const importers = await this.deps.repos.mailImporters.enabledOfKind(['imap', 'graph']);
    let next: number | null = job.next_fire_at;
    if (!importers.length) next = null;
    else if (job.enabled === 1 && job.archived_at === null) {
      const now = this.deps.clock();
      const schedule = JSON.parse(job.schedule) as Schedule;
      const minuteAfter = (t: number) =>
        nextFireAfter(effectiveSchedule({ type: 'automatic' }, MAIL_IMPORT_TASK), new Date(t))?.getTime() ?? null;
      // A fire while a run is active would only be logged as skipped: aim for the next minute then.
      const active = await this.deps.repos.runs.activeForJob(job.id);
      if (schedule.type === 'automatic') {
        const due = Math.min(...importers.map(importerDueAt));
        next = due > now ? minuteAfter(due - 1) : active ? minuteAfter(now) : now;
      } else if (pollNow && !active) next = now;
      else if (next === null) next = nextFireAfter(schedule, new Date(now))?.getTime() ?? null;
    }
    if (next === job.next_fire_at) return;
    await this.deps.repos.jobs.update(job.id, { next_fire_at: next });
    this.s.onScheduleChange?.();
  }

  /** "Import now": a run of the mail_import system job limited to this importer and batch size. */
  async importNow(actor: Actor, id: number, input: { batchSize?: number | undefined }) {
    this.check(actor, 'run');
    const row = await this.find(id);
    if (row.kind === 'smtp')
      throw new ValidationError(
        `mail importer '${row.name}' is the SMTP receiver: messages arrive as they are sent; there is nothing to fetch`,
      );
    const batchSize = input.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE)
      throw new ValidationError(`batchSize must be between 1 and ${MAX_BATCH_SIZE}`);
    const job = await this.systemJob();
    if (!job) throw new NotFoundError('the mail import system job does not exist');
    let run;
    try {
      run = await this.s.runs.enqueue({
        job,
        operation: 'system',
        trigger: 'manual',
        params: { importerId: row.id, batchSize },
        requestedBy: actor.userId,
      });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const activeRunId = (err.details as { activeRunId?: number } | undefined)?.activeRunId;
      throw new ConflictError(
        `a mail import is already queued or running${activeRunId ? ` (run #${activeRunId})` : ''}; try again when it has finished`,
        { activeRunId },
      );
    }
    await audit(this.deps, actor, {
      action: 'import',
      entity: 'mail_importer',
      entityId: row.id,
      customerId: null,
      after: { runId: run.id, batchSize },
    });
    return this.s.runs.get(actor, run.id);
  }

  /** Connects with the stored settings (or, for SMTP, asks whether the receiver listens). */
  async test(actor: Actor, id: number): Promise<{ ok: boolean; message: string }> {
    this.check(actor, 'admin');
    const row = await this.find(id);
    if (row.kind === 'smtp') {
      const st = this.s.smtpStatus?.(row.id);
      if (st?.listening) return { ok: true, message: `the SMTP receiver is listening on port ${st.port}` };
      if (row.enabled !== 1)
        return { ok: false, message: 'the importer is disabled, so the SMTP receiver is not listening' };
      return { ok: false, message: st?.error ?? row.last_error ?? 'the SMTP receiver is not listening (yet)' };
    }
    const { config, secrets } = this.resolved(row);
    const signal = AbortSignal.timeout(30_000);
    try {
      const adapter = await loadMailSourceAdapter(row.kind);
      const source = await adapter.open(config, secrets, { signal });
      try {
        return { ok: true, message: await source.test() };
      } finally {
        await source.close().catch(() => undefined);
      }
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }

  /** Settings with decrypted secrets, for the engine and tests of the connection only — never for answers. */
  resolved(row: MailImporterRow): { config: Record<string, unknown>; secrets: Record<string, string> } {
    return {
      config: JSON.parse(row.config) as Record<string, unknown>,
      secrets: this.openSecrets(row) as Record<string, string>,
    };
  }
}
