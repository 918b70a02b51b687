import { parseDocument, stringify } from 'yaml';
import { ValidationError } from '../core/errors.js';
import { requireAccess, type Actor } from './access.js';
import type { CustomerService } from './customer.service.js';
import type { EncryptionProfileService } from './encryption-profile.service.js';
import type { JobService, StaticJobSettings } from './job.service.js';
import type { JobInput } from './job.types.js';
import type { ResourceDto, ResourceService } from './resource.service.js';
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

interface ResourceDoc {
  name: string;
  customer?: string;
  type: string;
  config?: Record<string, unknown>;
}

function list<T>(doc: Record<string, unknown>, key: string): T[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ValidationError(`${key} must be a list`);
  return v.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      throw new ValidationError(`${key}[${i}] must be a mapping`);
    const name = (item as { name?: unknown }).name;
    if (typeof name !== 'string' || !name.trim()) throw new ValidationError(`${key}[${i}].name is required`);
    return item as T;
  });
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : val,
  );
}

/**
 * Configuration as code: a YAML document describing customers, sources, destinations,
 * encryption profiles, notification channels and jobs, applied idempotently. Everything is
 * validated before anything is written, so a bad document changes nothing. Secrets may be
 * left out on update (the stored value is kept); `export` never prints them.
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
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw new ValidationError('the configuration document must be a mapping with sections like sources:, jobs:');
    const obj = value as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (!(SECTIONS as readonly string[]).includes(key))
        throw new ValidationError(`unknown section '${key}' (known: ${SECTIONS.join(', ')})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== API_VERSION)
      throw new ValidationError(`apiVersion must be '${API_VERSION}'`);
    const refs = /\$\{(env|file):[^}]*\}/.exec(yamlText);
    if (refs)
      throw new ValidationError(
        `unresolved reference '${refs[0]}': the CLI resolves \${env:...} and \${file:...} before sending; set the variable or use keepwatch apply`,
      );
    return obj;
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
  private async plan(actor: Actor, doc: Record<string, unknown>) {
    const steps: { change: ConfigChange; apply: () => Promise<unknown> }[] = [];
    const customers = list<{ name: string; timezone?: string }>(doc, 'customers');
    const newCustomers = new Set<string>();
    for (const c of customers) {
      const existing = await this.deps.repos.customers.findByNameOrSlug(c.name);
      if (existing)
        steps.push({ change: { kind: 'customer', name: c.name, action: 'unchanged' }, apply: async () => undefined });
      else {
        newCustomers.add(c.name);
        steps.push({
          change: { kind: 'customer', name: c.name, action: 'create' },
          apply: () => this.s.customers.create(actor, { name: c.name, timezone: c.timezone ?? null }),
        });
      }
    }
    // Customer of an entry: existing (resolved now, with access checks) or created by this document.
    const customerOf = async (ref: string | undefined, where: string): Promise<{ id: number | null; name: string }> => {
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
      for (const [i, r] of list<ResourceDoc>(doc, section).entries()) {
        const where = `${section}[${i}] (${r.name})`;
        if (typeof r.type !== 'string') throw new ValidationError(`${where}.type is required`);
        const customer = await customerOf(r.customer, where);
        const key = `${customer.name}/${r.name}`;
        if (names.has(key))
          throw new ValidationError(`${where}: '${r.name}' appears twice for customer '${customer.name}'`);
        names.add(key);
        const existing =
          customer.id === null ? undefined : await svc.find(actor, r.name, customer.id).catch(() => undefined);
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

    for (const [i, p] of list<{ name: string; customer?: string; key?: string }>(doc, 'encryptionProfiles').entries()) {
      const where = `encryptionProfiles[${i}] (${p.name})`;
      const customer = await customerOf(p.customer, where);
      const existing =
        customer.id === null
          ? undefined
          : await this.s.profiles.find(actor, p.name, customer.id).catch(() => undefined);
      if (existing)
        steps.push({
          change: { kind: 'encryptionProfile', name: p.name, customer: customer.name, action: 'unchanged' },
          apply: async () => undefined,
        });
      else
        steps.push({
          change: { kind: 'encryptionProfile', name: p.name, customer: customer.name, action: 'create' },
          apply: () =>
            this.s.profiles.create(actor, { name: p.name, customer: customer.name, ...(p.key ? { key: p.key } : {}) }),
        });
    }

    const tz = await this.s.jobs.instanceTimezone();
    for (const [i, j] of list<JobInput & { name: string; customer?: string }>(doc, 'jobs').entries()) {
      const where = `jobs[${i}] (${j.name})`;
      const customer = await customerOf(j.customer, where);
      const existing =
        customer.id === null ? undefined : (await this.deps.repos.jobs.byName(j.name, null, customer.id))[0];
      const input: JobInput = { ...j, customer: customer.name };
      if (!existing) {
        steps.push({
          change: { kind: 'job', name: j.name, customer: customer.name, action: 'create' },
          apply: () => this.s.jobs.create(actor, input),
        });
        continue;
      }
      const before = await this.s.jobs.dto(existing);
      const same =
        stable(jobSpec(before)) ===
        stable(jobSpec({ ...before, ...specFromInput(j, before, this.s.jobs.normalizeStatic(j, tz)) }));
      steps.push({
        change: { kind: 'job', name: j.name, customer: customer.name, action: same ? 'unchanged' : 'update' },
        apply: () => this.s.jobs.update(actor, existing.id, input),
      });
    }
    await this.validateJobs(actor, doc, steps);
    return steps;
  }

  private async validateResource(svc: ResourceService, where: string, r: ResourceDoc, currentId?: number) {
    try {
      await svc.validateConfig(r.type, r.config ?? {}, currentId);
    } catch (err) {
      throw new ValidationError(`${where}: ${(err as Error).message}`);
    }
  }

  /** Job references must name something that exists or that this document creates. */
  private async validateJobs(actor: Actor, doc: Record<string, unknown>, steps: { change: ConfigChange }[]) {
    const created = (kind: Kind, name: string) => steps.some((s) => s.change.kind === kind && s.change.name === name);
    for (const [i, j] of list<JobInput & { name: string; customer?: string }>(doc, 'jobs').entries()) {
      const where = `jobs[${i}] (${j.name})`;
      const check = async (
        kind: Kind,
        ref: unknown,
        svcFind: (r: string | number) => Promise<unknown>,
        field: string,
      ) => {
        if (ref === undefined || ref === null || ref === '') return;
        if (typeof ref === 'string' && created(kind, ref)) return;
        try {
          await svcFind(ref as string | number);
        } catch {
          throw new ValidationError(
            `${where}.${field}: '${String(ref)}' does not exist and is not defined in this document`,
          );
        }
      };
      await check('source', j.source ?? j.sourceId, (r) => this.s.sources.find(actor, r), 'source');
      for (const [k, d] of (j.destinations ?? []).entries())
        await check(
          'destination',
          d?.destination ?? d?.destinationId,
          (r) => this.s.destinations.find(actor, r),
          `destinations[${k}].destination`,
        );
      for (const [k, n] of (j.notifications ?? []).entries())
        await check(
          'notificationChannel',
          n?.channel ?? n?.channelId,
          (r) => this.s.channels.find(actor, r),
          `notifications[${k}].channel`,
        );
      await check(
        'encryptionProfile',
        j.encryptionProfile ?? j.encryptionProfileId,
        (r) => this.s.profiles.find(actor, r),
        'encryptionProfile',
      );
      try {
        this.s.jobs.normalizeStatic(j, await this.s.jobs.instanceTimezone());
      } catch (err) {
        throw new ValidationError(`${where}: ${(err as Error).message}`);
      }
    }
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
    notifications: j.notifications.map((n) => ({ channel: n.channel.name, condition: n.condition })),
    sizeCheck: j.sizeCheck,
  };
}

/** Best-effort overlay of a document entry on the current job, to tell "unchanged" from "update". */
function specFromInput(j: JobInput, before: JobDto, n: StaticJobSettings): Partial<JobDto> {
  const out: Partial<JobDto> = {};
  if (j.description !== undefined) out.description = j.description;
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
    out.encryptionProfile = j.encryptionProfile === null ? null : { id: -1, name: String(j.encryptionProfile) };
  if (j.notifications !== undefined)
    out.notifications = j.notifications.map((n) => ({
      channel: { id: -1, name: String(n.channel ?? n.channelId), kind: '' },
      condition: n.condition ?? n.when ?? 'failure',
    }));
  return out;
}
