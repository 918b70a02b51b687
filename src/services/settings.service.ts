import { ForbiddenError, ValidationError } from '../core/errors.js';
import { requireAccess, type Actor } from './access.js';
import { audit, type ServiceDeps } from './service-deps.js';

export interface InstanceSettings {
  /** Runs executing at once on this installation's in-process workers (DBackup's "Max Concurrent Jobs"). */
  maxConcurrentRuns: number;
  /** Default time zone for new schedules and for display. */
  timezone: string;
  /** A fire missed while the server was down runs once on start if it is at most this old. */
  catchUpWindowSeconds: number;
}

const DEFAULTS: InstanceSettings = { maxConcurrentRuns: 1, timezone: 'UTC', catchUpWindowSeconds: 3600 };

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Instance settings stored in the database, with env overrides applied at start. */
export class SettingsService {
  // Re-read every few seconds: with several servers on one PostgreSQL, a change made through
  // one of them must reach the schedulers and dispatchers of the others.
  private cache: InstanceSettings | null = null;
  private cachedAt = 0;
  private static readonly TTL_MS = 5000;
  private readonly listeners: ((s: InstanceSettings) => void)[] = [];

  constructor(
    private readonly deps: ServiceDeps,
    private readonly overrides: Partial<InstanceSettings> = {},
  ) {}

  onChange(fn: (s: InstanceSettings) => void): void {
    this.listeners.push(fn);
  }

  async current(): Promise<InstanceSettings> {
    if (!this.cache || this.deps.clock() - this.cachedAt > SettingsService.TTL_MS) {
      const stored = await this.deps.repos.settings.all();
      this.cache = { ...DEFAULTS, ...(stored as Partial<InstanceSettings>), ...this.overrides };
      this.cachedAt = this.deps.clock();
    }
    return this.cache;
  }

  async get(actor: Actor): Promise<InstanceSettings> {
    requireAccess(actor, 'read', undefined, 'settings');
    return this.current();
  }

  async update(actor: Actor, input: Partial<Record<keyof InstanceSettings, unknown>>): Promise<InstanceSettings> {
    requireAccess(actor, 'admin', undefined, 'settings');
    if (!actor.allCustomers) throw new ForbiddenError('only installation administrators change instance settings');
    const before = await this.current();
    const next: Partial<InstanceSettings> = {};
    for (const key of Object.keys(input)) {
      if (!(key in DEFAULTS))
        throw new ValidationError(`settings.${key} is not a setting (known: ${Object.keys(DEFAULTS).join(', ')})`);
    }
    if (input.maxConcurrentRuns !== undefined) {
      const n = input.maxConcurrentRuns;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 64)
        throw new ValidationError('settings.maxConcurrentRuns must be an integer from 1 to 64');
      next.maxConcurrentRuns = n;
    }
    if (input.timezone !== undefined) {
      if (typeof input.timezone !== 'string' || !isTimeZone(input.timezone))
        throw new ValidationError(`settings.timezone: '${String(input.timezone)}' is not a known time zone`);
      next.timezone = input.timezone;
    }
    if (input.catchUpWindowSeconds !== undefined) {
      const n = input.catchUpWindowSeconds;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 7 * 86400)
        throw new ValidationError('settings.catchUpWindowSeconds must be an integer from 0 to 604800');
      next.catchUpWindowSeconds = n;
    }
    for (const [k, v] of Object.entries(next)) await this.deps.repos.settings.set(k, v);
    this.cache = null;
    const after = await this.current();
    await audit(this.deps, actor, {
      action: 'update',
      entity: 'settings',
      entityId: null,
      customerId: null,
      before,
      after,
    });
    for (const fn of this.listeners) fn(after);
    return after;
  }
}
