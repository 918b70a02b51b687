import { isMap, isScalar, isSeq, parseDocument, stringify, type Node } from 'yaml';
import { NOTIFY_CONDITIONS } from '../core/domain.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import { normaliseTimezone } from '../core/schedule.js';
import { parseKeyFile } from '../crypto/keys.js';
import { requireAccess, type Actor } from './access.js';
import type { CustomerService } from './customer.service.js';
import type { EncryptionProfileService } from './encryption-profile.service.js';
import type { JobService, StaticJobSettings } from './job.service.js';
import { DEFAULT_SIZE_CHECK, type JobInput } from './job.types.js';
import { checkName, type ResourceDto, type ResourceService } from './resource.service.js';
import type { ServiceDeps } from './service-deps.js';

type Kind = 'customer' | 'source' | 'destination' | 'encryptionProfile' | 'notificationChannel' | 'job';
export interface ConfigChange {
  kind: Kind;
  name: string;
  customer?: string;
  action: 'create' | 'update' | 'unchanged';
}

const SECTIONS = [
  'apiVersion',
  'kind',
  'customers',
  'sources',
  'destinations',
  'encryptionProfiles',
  'notificationChannels',
  'jobs',
] as const;
const API_VERSION = 'keepwatch/v1';

/** The fields an entry of each section may have: a typo must not be silently ignored. */
const RESOURCE_FIELDS = ['name', 'customer', 'type', 'config'];
const CUSTOMER_FIELDS = ['name', 'timezone'];
const PROFILE_FIELDS = ['name', 'customer', 'key'];
const JOB_FIELDS = [
  'name',
  'customer',
  'kind',
  'description',
  'enabled',
  'schedule',
  'source',
  'database',
  'destinations',
  'compression',
  'encryptionProfile',
  'timeout',
  'timeoutSeconds',
  'notifications',
  'sizeCheck',
];
const MIN_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 7 * 86400;

interface ResourceDoc {
  name: string;
  customer?: string;
  type: string;
  config?: Record<string, unknown>;
}
type JobDoc = JobInput & { name: string; customer?: string };
type Step = { change: ConfigChange; apply: () => Promise<unknown> };

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function onlyFields(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj))
    if (!allowed.includes(key))
      throw new ValidationError(`${where}.${key}: unknown field (expected ${allowed.join(', ')})`);
}

function list<T>(doc: Record<string, unknown>, key: string, fields: readonly string[]): T[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ValidationError(`${key} must be a list`);
  return v.map((item, i) => {
    if (!isObject(item)) throw new ValidationError(`${key}[${i}] must be a mapping`);
    const name = item.name;
    if (typeof name !== 'string' || !name.trim()) throw new ValidationError(`${key}[${i}].name is required`);
    onlyFields(item, fields, `${key}[${i}] (${name})`);
    return item as T;
  });
}

/** `where: message` for an error thrown by a validator, keeping its kind (400 stays 400). */
function at<T>(where: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(`${where}: ${err.message}`);
    throw err;
  }
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );
}

/** The first `${env:...}` / `${file:...}` left in a value (comments do not count), with its path. */
function unresolvedReference(node: Node | null | undefined, path: string): { ref: string; path: string } | null {
  if (!node) return null;
  if (isScalar(node)) {
    const m = typeof node.value === 'string' ? /\$\{(env|file):[^}]*\}/.exec(node.value) : null;
    return m ? { ref: m[0], path } : null;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      const hit = unresolvedReference(pair.value as Node, path ? `${path}.${key}` : key);
      if (hit) return hit;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const hit = unresolvedReference(item as Node, `${path}[${i}]`);
      if (hit) return hit;
    }
  }
  return null;
}

/**
 * Configuration as code: a YAML document describing customers, sources, destinations,
 * encryption profiles, notification channels and jobs, applied idempotently. Everything is
 * validated before anything is written — entry fields, adapter configs, references (within
 * the entry's customer), schedules, retention, limits — so a bad document changes nothing.
 * Secrets may be left out on update (the stored value is kept); `export` never prints them.
 */
export class ConfigService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly s: {
      customers: CustomerService;
      sources: ResourceService;
      destinations: ResourceService;
      channels: ResourceService;
      profiles: EncryptionProfileService;
      jobs: JobService;
    },
  ) {}

  parse(yamlText: string): Record<string, unknown> {
    if (typeof yamlText !== 'string' || !yamlText.trim())
      throw new ValidationError('the configuration document is empty');
    const doc = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      const line = e.linePos?.[0];
      throw new ValidationError(
        `YAML error${line ? ` at line ${line.line}, column ${line.col}` : ''}: ${e.message.split('\n')[0]}`,
      );
    }
    const value = doc.toJS() as unknown;
    if (!isObject(value))
      throw new ValidationError('the configuration document must be a mapping with sections like sources:, jobs:');
    for (const key of Object.keys(value)) {
      if (!(SECTIONS as readonly string[]).includes(key))
        throw new ValidationError(`unknown section '${key}' (known: ${SECTIONS.join(', ')})`);
    }
    if (value.apiVersion !== undefined && value.apiVersion !== API_VERSION)
      throw new ValidationError(`apiVersion must be '${API_VERSION}'`);
    // Values only: a reference in a comment (the export's header has one) is just text.
    const ref = unresolvedReference(doc.contents, '');
    if (ref)
      throw new ValidationError(
        `unresolved reference '${ref.ref}' at ${ref.path}: the CLI resolves \${env:...} and \${file:...} before sending; set the variable or use keepwatch apply`,
      );
    return value;
  }

  async apply(actor: Actor, yamlText: string, dryRun: boolean): Promise<{ changes: ConfigChange[]; dryRun: boolean }> {
    requireAccess(actor, 'write', undefined, 'configuration');
    const doc = this.parse(yamlText);
    const plan = await this.plan(actor, doc);
    if (dryRun) return { changes: plan.map((p) => p.change), dryRun };
    for (const step of plan) if (step.change.action !== 'unchanged') await step.apply();
    return { changes: plan.map((p) => p.change), dryRun };
  }

  /** Validates every entry against the current state and returns what applying would do. */
  private async plan(actor: Actor, doc: Record<string, unknown>): Promise<Step[]> {
    const steps: Step[] = [];
    const newCustomers = await this.planCustomers(actor, doc, steps);
    // Customer of an entry: existing (resolved now, with access checks) or created by this document.
    const customerOf = async (ref: unknown, where: string): Promise<{ id: number | null; name: string }> => {
      if (ref !== undefined && typeof ref !== 'string') throw new ValidationError(`${where}.customer must be a name`);
      if (ref !== undefined && newCustomers.has(ref)) return { id: null, name: ref };
      try {
        const c = await this.s.customers.resolve(actor, ref ?? null);
        return { id: c.id, name: c.name };
      } catch (err) {
        throw new ValidationError(`${where}.customer: ${(err as Error).message}`);
      }
    };

    const resourceSection = async (section: string, kind: Kind, svc: ResourceService) => {
      const names = new Set<string>();
      for (const [i, r] of list<ResourceDoc>(doc, section, RESOURCE_FIELDS).entries()) {
        const where = `${section}[${i}] (${r.name})`;
        at(where, () => checkName(r.name, kind));
        if (typeof r.type !== 'string') throw new ValidationError(`${where}.type is required`);
        if (r.config !== undefined && r.config !== null && !isObject(r.config))
          throw new ValidationError(`${where}.config must be a mapping`);
        const customer = await customerOf(r.customer, where);
        const key = `${customer.name}/${r.name}`;
        if (names.has(key))
          throw new ValidationError(`${where}: '${r.name}' appears twice for customer '${customer.name}'`);
        names.add(key);
        // find() takes a numeric text as an id: only an object of this name and customer counts.
        const existing =
          customer.id === null
            ? undefined
            : await svc.find(actor, r.name, customer.id).then(
                (row) => (row.name === r.name && row.customer_id === customer.id ? row : undefined),
                () => undefined,
              );
        const input = { name: r.name, kind: r.type, customer: customer.name, config: r.config ?? {} };
        if (!existing) {
          await this.validateResource(svc, where, r);
          steps.push({
            change: { kind, name: r.name, customer: customer.name, action: 'create' },
            apply: () => svc.create(actor, input),
          });
          continue;
        }
        if (existing.kind !== r.type)
          throw new ValidationError(`${where}.type: '${r.name}' exists as ${existing.kind}; the type cannot change`);
        await this.validateResource(svc, where, r, existing.id);
        const same = !(await svc.wouldChange(existing.id, r.config ?? {}));
        steps.push({
          change: { kind, name: r.name, customer: customer.name, action: same ? 'unchanged' : 'update' },
          apply: () => svc.update(actor, existing.id, { config: r.config ?? {} }),
        });
      }
    };
    await resourceSection('sources', 'source', this.s.sources);
    await resourceSection('destinations', 'destination', this.s.destinations);
    await resourceSection('notificationChannels', 'notificationChannel', this.s.channels);

    const profileNames = new Set<string>();
    for (const [i, p] of list<{ name: string; customer?: string; key?: unknown }>(
      doc,
      'encryptionProfiles',
      PROFILE_FIELDS,
    ).entries()) {
      const where = `encryptionProfiles[${i}] (${p.name})`;
      at(where, () => checkName(p.name, 'encryptionProfile'));
      const customer = await customerOf(p.customer, where);
      if (profileNames.has(`${customer.name}/${p.name}`))
        throw new ValidationError(`${where}: '${p.name}' appears twice for customer '${customer.name}'`);
      profileNames.add(`${customer.name}/${p.name}`);
      if (p.key !== undefined && p.key !== null && typeof p.key !== 'string')
        throw new ValidationError(`${where}.key must be a recovery kit, 64 hex characters or base64 text`);
      const keyId = p.key ? at(`${where}.key`, () => parseKeyFile(p.key as string).keyId.toString('hex')) : null;
      const existing =
        customer.id === null
          ? undefined
          : await this.s.profiles.find(actor, p.name, customer.id).then(
              (row) => (row.name === p.name && row.customer_id === customer.id ? row : undefined),
              () => undefined,
            );
      if (existing) {
        // A profile's key is what its backups were encrypted with: it never changes.
        if (keyId && keyId !== existing.key_id)
          throw new ValidationError(
            `${where}.key: the profile exists with another key (id ${existing.key_id}); a profile's key cannot change, create a new profile`,
          );
        steps.push({
          change: { kind: 'encryptionProfile', name: p.name, customer: customer.name, action: 'unchanged' },
          apply: async () => undefined,
        });
      } else
        steps.push({
          change: { kind: 'encryptionProfile', name: p.name, customer: customer.name, action: 'create' },
          apply: () =>
            this.s.profiles.create(actor, {
              name: p.name,
              customer: customer.name,
              ...(p.key ? { key: p.key as string } : {}),
            }),
        });
    }

    const tz = await this.s.jobs.instanceTimezone();
    const jobNames = new Set<string>();
    for (const [i, j] of list<JobDoc>(doc, 'jobs', JOB_FIELDS).entries()) {
      const where = `jobs[${i}] (${j.name})`;
      at(where, () => checkName(j.name, 'job'));
      const customer = await customerOf(j.customer, where);
      if (jobNames.has(`${customer.name}/${j.name}`))
        throw new ValidationError(`${where}: '${j.name}' appears twice for customer '${customer.name}'`);
      jobNames.add(`${customer.name}/${j.name}`);
      const existing =
        customer.id === null ? undefined : (await this.deps.repos.jobs.byName(j.name, null, customer.id))[0];
      if (existing && existing.kind !== 'backup')
        throw new ValidationError(
          `${where}: '${j.name}' is a ${existing.kind} job; only backup jobs are configured here`,
        );
      const norm = this.validateJob(j, where, tz, !existing);
      await this.checkJobReferences(actor, j, where, customer, steps);
      // `description:` left empty reads as null: it means no description.
      const input: JobInput = { ...j, ...(j.description === null ? { description: '' } : {}), customer: customer.name };
      if (!existing) {
        steps.push({
          change: { kind: 'job', name: j.name, customer: customer.name, action: 'create' },
          apply: () => this.s.jobs.create(actor, input),
        });
        continue;
      }
      const before = await this.s.jobs.dto(existing);
      const same = stable(jobSpec(before)) === stable(jobSpec({ ...before, ...specFromInput(j, before, norm) }));
      steps.push({
        change: { kind: 'job', name: j.name, customer: customer.name, action: same ? 'unchanged' : 'update' },
        apply: () => this.s.jobs.update(actor, existing.id, input),
      });
    }
    return steps;
  }

  /** Customers: created when new; an existing one is updated when its time zone is given and differs. */
  private async planCustomers(actor: Actor, doc: Record<string, unknown>, steps: Step[]): Promise<Set<string>> {
    const created = new Set<string>();
    const seen = new Set<string>();
    for (const [i, c] of list<{ name: string; timezone?: unknown }>(doc, 'customers', CUSTOMER_FIELDS).entries()) {
      const where = `customers[${i}] (${c.name})`;
      const name = c.name.trim();
      if (name.length > 200) throw new ValidationError(`${where}.name must be 1–200 characters`);
      if (seen.has(name)) throw new ValidationError(`${where}: '${name}' appears twice`);
      seen.add(name);
      const timezone =
        c.timezone === undefined || c.timezone === null
          ? null
          : at(where, () => normaliseTimezone(c.timezone, 'timezone'));
      const existing = await this.deps.repos.customers.findByNameOrSlug(name);
      if (existing) {
        const same = c.timezone === undefined || timezone === existing.timezone;
        steps.push({
          change: { kind: 'customer', name, action: same ? 'unchanged' : 'update' },
          apply: () => this.s.customers.update(actor, existing.id, { timezone }),
        });
        continue;
      }
      if (!actor.allCustomers) throw new ForbiddenError(`${where}: creating customers needs access to all customers`);
      created.add(name);
      steps.push({
        change: { kind: 'customer', name, action: 'create' },
        apply: () => this.s.customers.create(actor, { name, timezone }),
      });
    }
    return created;
  }

  private async validateResource(svc: ResourceService, where: string, r: ResourceDoc, currentId?: number) {
    try {
      await svc.validateConfig(r.type, r.config ?? {}, currentId);
    } catch (err) {
      throw new ValidationError(`${where}: ${(err as Error).message}`);
    }
  }

  /** What JobService.create/update would refuse, checked without writing (mirrors its resolve()). */
  private validateJob(j: JobDoc, where: string, tz: string, creating: boolean): StaticJobSettings {
    const norm = at(where, () => this.s.jobs.normalizeStatic(j, tz));
    if (j.kind !== undefined && j.kind !== 'backup')
      throw new ValidationError(`${where}.kind: only backup jobs can be configured (got '${String(j.kind)}')`);
    if (j.description !== undefined && j.description !== null && typeof j.description !== 'string')
      throw new ValidationError(`${where}.description must be text`);
    if (j.enabled !== undefined && typeof j.enabled !== 'boolean')
      throw new ValidationError(`${where}.enabled must be true or false`);
    if (j.database !== undefined && j.database !== null && typeof j.database !== 'string')
      throw new ValidationError(`${where}.database must be a name`);
    if (creating && (j.source === undefined || j.source === null || j.source === ''))
      throw new ValidationError(`${where}.source is required`);
    if (
      norm.timeoutSeconds !== undefined &&
      (norm.timeoutSeconds < MIN_TIMEOUT_SECONDS || norm.timeoutSeconds > MAX_TIMEOUT_SECONDS)
    )
      throw new ValidationError(`${where}: job.timeout must be between 10 seconds and 7 days`);
    if (j.destinations !== undefined || creating) {
      if (!Array.isArray(j.destinations) || j.destinations.length === 0)
        throw new ValidationError(`${where}.destinations must list at least one destination`);
      const seen = new Set<string>();
      for (const [k, d] of j.destinations.entries()) {
        if (!isObject(d)) throw new ValidationError(`${where}.destinations[${k}] must be a mapping`);
        onlyFields(d, ['destination', 'retention'], `${where}.destinations[${k}]`);
        if (typeof d.destination !== 'string' || !d.destination)
          throw new ValidationError(`${where}.destinations[${k}].destination is required (a destination name)`);
        if (seen.has(d.destination))
          throw new ValidationError(`${where}.destinations[${k}]: destination '${d.destination}' is listed twice`);
        seen.add(d.destination);
      }
    }
    if (j.notifications !== undefined && j.notifications !== null) {
      if (!Array.isArray(j.notifications)) throw new ValidationError(`${where}.notifications must be a list`);
      const seen = new Set<string>();
      for (const [k, n] of j.notifications.entries()) {
        if (!isObject(n)) throw new ValidationError(`${where}.notifications[${k}] must be a mapping`);
        onlyFields(n, ['channel', 'condition'], `${where}.notifications[${k}]`);
        if (typeof n.channel !== 'string' || !n.channel)
          throw new ValidationError(`${where}.notifications[${k}].channel is required (a channel name)`);
        const condition = n.condition ?? 'failure';
        if (!(NOTIFY_CONDITIONS as readonly unknown[]).includes(condition))
          throw new ValidationError(
            `${where}.notifications[${k}].condition must be one of ${NOTIFY_CONDITIONS.join(', ')}`,
          );
        if (seen.has(`${n.channel}/${String(condition)}`))
          throw new ValidationError(
            `${where}.notifications[${k}]: '${n.channel}' on ${String(condition)} is listed twice`,
          );
        seen.add(`${n.channel}/${String(condition)}`);
      }
    }
    if (j.sizeCheck !== undefined) {
      if (!isObject(j.sizeCheck)) throw new ValidationError(`${where}.sizeCheck must be a mapping`);
      onlyFields(j.sizeCheck, ['minBytes', 'minRatio'], `${where}.sizeCheck`);
      const { minBytes, minRatio } = { ...DEFAULT_SIZE_CHECK, ...j.sizeCheck };
      if (!Number.isInteger(minBytes) || minBytes < 0)
        throw new ValidationError(`${where}.sizeCheck.minBytes must be a non-negative integer`);
      if (typeof minRatio !== 'number' || minRatio < 0 || minRatio > 1)
        throw new ValidationError(`${where}.sizeCheck.minRatio must be between 0 and 1`);
    }
    return norm;
  }

  /**
   * A job's references must name an object of the job's own customer that exists, or that this
   * document creates (earlier steps).
   */
  private async checkJobReferences(
    actor: Actor,
    j: JobDoc,
    where: string,
    customer: { id: number | null; name: string },
    steps: Step[],
  ): Promise<void> {
    const check = async (
      kind: Kind,
      ref: unknown,
      find: (name: string, customerId: number) => Promise<unknown>,
      field: string,
    ) => {
      if (ref === undefined || ref === null || ref === '') return;
      if (typeof ref !== 'string') throw new ValidationError(`${where}.${field} must be a name`);
      if (steps.some((s) => s.change.kind === kind && s.change.name === ref && s.change.customer === customer.name))
        return;
      const found = customer.id === null ? undefined : await find(ref, customer.id).catch(() => undefined);
      if (!found)
        throw new ValidationError(
          `${where}.${field}: '${ref}' does not exist for customer '${customer.name}' and is not defined in this document`,
        );
    };
    await check('source', j.source, (r, c) => this.s.sources.find(actor, r, c), 'source');
    for (const [k, d] of (j.destinations ?? []).entries())
      await check(
        'destination',
        d.destination,
        (r, c) => this.s.destinations.find(actor, r, c),
        `destinations[${k}].destination`,
      );
    for (const [k, n] of (j.notifications ?? []).entries())
      await check(
        'notificationChannel',
        n.channel,
        (r, c) => this.s.channels.find(actor, r, c),
        `notifications[${k}].channel`,
      );
    await check(
      'encryptionProfile',
      j.encryptionProfile,
      (r, c) => this.s.profiles.find(actor, r, c),
      'encryptionProfile',
    );
  }

  async export(actor: Actor): Promise<{ yaml: string }> {
    requireAccess(actor, 'read', undefined, 'configuration');
    const customers = await this.s.customers.list(actor);
    const cname = new Map(customers.map((c) => [c.id, c.name]));
    const res = (rows: ResourceDto[]) =>
      rows.map((r) => ({ name: r.name, customer: cname.get(r.customerId), type: r.kind, config: r.config }));
    const jobs = (await this.s.jobs.list(actor, { kind: 'backup' })).items;
    const doc = {
      apiVersion: API_VERSION,
      customers: customers.map((c) => ({ name: c.name, ...(c.timezone ? { timezone: c.timezone } : {}) })),
      sources: res(await this.s.sources.list(actor)),
      destinations: res(await this.s.destinations.list(actor)),
      encryptionProfiles: (await this.s.profiles.list(actor)).map((p) => ({
        name: p.name,
        customer: cname.get(p.customerId),
      })),
      notificationChannels: res(await this.s.channels.list(actor)),
      jobs: jobs.map((j) => ({ name: j.name, customer: j.customer.name, ...jobSpec(j) })),
    };
    const header = [
      '# Keepwatch configuration, exported ' + new Date(this.deps.clock()).toISOString(),
      '# Secrets (passwords, keys, webhook headers) are not exported. Applying this file keeps the',
      '# stored secrets; to set one, add it, e.g. password: ${env:DB_PASSWORD} (resolved by the CLI).',
    ].join('\n');
    return { yaml: `${header}\n${stringify(doc, { lineWidth: 0 })}` };
  }
}

type JobDto = Awaited<ReturnType<JobService['dto']>>;

/** The user-facing, name-based description of a job, as in the YAML document. */
export function jobSpec(
  j: Pick<
    JobDto,
    | 'description'
    | 'enabled'
    | 'schedule'
    | 'source'
    | 'database'
    | 'destinations'
    | 'compression'
    | 'encryptionProfile'
    | 'timeoutSeconds'
    | 'notifications'
    | 'sizeCheck'
  >,
) {
  return {
    description: j.description || undefined,
    enabled: j.enabled,
    schedule: j.schedule,
    source: j.source?.name,
    ...(j.database ? { database: j.database } : {}),
    destinations: j.destinations.map((d) => ({ destination: d.name, retention: d.retention })),
    compression: j.compression,
    encryptionProfile: j.encryptionProfile?.name ?? null,
    timeoutSeconds: j.timeoutSeconds,
    // A set, not a list: stored without an order, compared and exported sorted.
    notifications: j.notifications
      .map((n) => ({ channel: n.channel.name, condition: n.condition }))
      .sort((a, b) => a.channel.localeCompare(b.channel) || a.condition.localeCompare(b.condition)),
    sizeCheck: j.sizeCheck,
  };
}

/** Best-effort overlay of a document entry on the current job, to tell "unchanged" from "update". */
function specFromInput(j: JobInput, before: JobDto, n: StaticJobSettings): Partial<JobDto> {
  const out: Partial<JobDto> = {};
  if (j.description !== undefined) out.description = j.description ?? '';
  if (j.enabled !== undefined) out.enabled = j.enabled;
  if (n.schedule) out.schedule = n.schedule;
  if (n.timeoutSeconds !== undefined) out.timeoutSeconds = n.timeoutSeconds;
  if (j.database !== undefined) out.database = j.database || null;
  if (j.source !== undefined) out.source = { id: -1, name: String(j.source), kind: before.source?.kind ?? '' };
  if (j.destinations !== undefined)
    out.destinations = j.destinations.map((d, i) => ({
      id: -1,
      name: String(d.destination ?? d.destinationId),
      kind: '',
      retention: n.retentions?.[i] ?? { type: 'none' },
    }));
  if (n.compression) out.compression = n.compression;
  if (j.encryptionProfile !== undefined)
    out.encryptionProfile =
      j.encryptionProfile === null || j.encryptionProfile === '' ? null : { id: -1, name: String(j.encryptionProfile) };
  if (j.notifications !== undefined)
    out.notifications = j.notifications.map((n) => ({
      channel: { id: -1, name: String(n.channel ?? n.channelId), kind: '' },
      condition: n.condition ?? n.when ?? 'failure',
    }));
  if (j.sizeCheck !== undefined) out.sizeCheck = { ...DEFAULT_SIZE_CHECK, ...before.sizeCheck, ...j.sizeCheck };
  return out;
}
