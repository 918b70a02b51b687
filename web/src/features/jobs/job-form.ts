/**
 * The job editor's form values and their mapping to and from the API: a Job → values for
 * editing, values → the POST/PATCH body, and API error paths → form fields.
 */
import { formatDuration } from '../../lib/core';
import type { Job, Retention, Schedule } from '../../api/types';
import type { ScheduleDraft } from '../../lib/schedule-text';

export type RetentionType = Retention['type'];
export type ScheduleType = 'manual' | 'cron' | 'weekly' | 'keep';

export interface DestinationValues {
  key: string;
  destinationId: string | null;
  retention: RetentionType;
  count: number | string;
  daily: number | string;
  weekly: number | string;
  monthly: number | string;
  yearly: number | string;
}

export interface NotificationValues {
  key: string;
  channelId: string | null;
  condition: string;
}

export interface JobFormValues {
  name: string;
  description: string;
  customerId: string | null;
  sourceId: string | null;
  database: string;
  destinations: DestinationValues[];
  /** 'keep' = a schedule the editor cannot show (an interval set through the API), kept as is. */
  scheduleType: ScheduleType;
  cronExpression: string;
  days: string[];
  times: string[];
  timezone: string;
  compression: string;
  compressionLevel: number | string;
  encryptionProfileId: string | null;
  timeout: string;
  notifications: NotificationValues[];
}

export const COMPRESSION_OPTIONS = [
  { value: 'none', label: 'None' },
  { value: 'gzip', label: 'Gzip' },
  { value: 'brotli', label: 'Brotli' },
  { value: 'zstd', label: 'Zstd' },
];
export const COMPRESSION_LEVELS: Record<string, { min: number; max: number; default: number }> = {
  gzip: { min: 1, max: 9, default: 6 },
  brotli: { min: 0, max: 11, default: 5 },
  zstd: { min: 1, max: 19, default: 3 },
};
export const RETENTION_OPTIONS = [
  { value: 'none', label: 'None' },
  { value: 'keep_last', label: 'Keep last N' },
  { value: 'gfs', label: 'GFS' },
];
export const CONDITION_OPTIONS = [
  { value: 'failure', label: 'On failure' },
  { value: 'warning', label: 'On warning' },
  { value: 'success', label: 'On success' },
  { value: 'always', label: 'Always' },
  { value: 'changed', label: 'When the status changes' },
  { value: 'missed', label: 'When a run is missed' },
];
export const DAY_OPTIONS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((value) => ({
  value,
  label: value[0]!.toUpperCase() + value.slice(1),
}));

let keySeq = 0;
const newKey = () => `k${++keySeq}`;

export function newDestination(destinationId: string | null = null, retention?: Retention): DestinationValues {
  return {
    key: newKey(),
    destinationId,
    retention: retention?.type ?? 'none',
    count: retention?.type === 'keep_last' ? retention.count : 7,
    daily: retention?.type === 'gfs' ? retention.daily : 7,
    weekly: retention?.type === 'gfs' ? retention.weekly : 4,
    monthly: retention?.type === 'gfs' ? retention.monthly : 12,
    yearly: retention?.type === 'gfs' ? retention.yearly : 0,
  };
}

export function newNotification(channelId: string | null = null, condition = 'failure'): NotificationValues {
  return { key: newKey(), channelId, condition };
}

export function emptyValues(timezone: string, customerId: string | null = null): JobFormValues {
  return {
    name: '',
    description: '',
    customerId,
    sourceId: null,
    database: '',
    destinations: [newDestination()],
    scheduleType: 'manual',
    cronExpression: '0 2 * * *',
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    times: ['02:00'],
    timezone,
    compression: 'zstd',
    compressionLevel: '',
    encryptionProfileId: null,
    timeout: '6h',
    notifications: [],
  };
}

export function valuesFromJob(job: Job, defaultTimezone: string): JobFormValues {
  const s = job.schedule;
  const base = emptyValues('timezone' in s ? s.timezone : defaultTimezone, String(job.customer.id));
  return {
    ...base,
    name: job.name,
    description: job.description,
    sourceId: job.source ? String(job.source.id) : null,
    database: job.database ?? '',
    destinations: job.destinations.map((d) => newDestination(String(d.id), d.retention)),
    scheduleType: s.type === 'manual' || s.type === 'cron' || s.type === 'weekly' ? s.type : 'keep',
    cronExpression: s.type === 'cron' ? s.expression : base.cronExpression,
    days: s.type === 'weekly' ? s.days : base.days,
    times: s.type === 'weekly' ? s.times : base.times,
    compression: job.compression?.algorithm ?? 'none',
    compressionLevel: job.compression?.level ?? '',
    encryptionProfileId: job.encryptionProfile ? String(job.encryptionProfile.id) : null,
    timeout: job.timeoutSeconds ? formatDuration(job.timeoutSeconds).replace(' ', '') : base.timeout,
    notifications: job.notifications.map((n) => newNotification(String(n.channel.id), n.condition)),
  };
}

/** The schedule the form describes; null for 'keep' (left out of the request). */
export function scheduleDraft(v: JobFormValues): ScheduleDraft | null {
  switch (v.scheduleType) {
    case 'manual':
      return { type: 'manual' };
    case 'cron':
      return { type: 'cron', expression: v.cronExpression, timezone: v.timezone };
    case 'weekly':
      return { type: 'weekly', days: v.days, times: v.times, timezone: v.timezone };
    default:
      return null;
  }
}

const num = (v: number | string) => (v === '' ? NaN : Number(v));

export function retentionOf(d: DestinationValues): Retention {
  if (d.retention === 'keep_last') return { type: 'keep_last', count: num(d.count) };
  if (d.retention === 'gfs')
    return { type: 'gfs', daily: num(d.daily), weekly: num(d.weekly), monthly: num(d.monthly), yearly: num(d.yearly) };
  return { type: 'none' };
}

const id = (v: string | null) => (v ? Number(v) : undefined);

/** The POST/PATCH body. The server validates everything; errors come back per field. */
export function toJobInput(v: JobFormValues, keepSchedule?: Schedule): Record<string, unknown> {
  const level = v.compression === 'none' || v.compressionLevel === '' ? undefined : Number(v.compressionLevel);
  const schedule = scheduleDraft(v) ?? keepSchedule;
  return {
    name: v.name.trim(),
    description: v.description,
    customerId: id(v.customerId),
    sourceId: id(v.sourceId),
    database: v.database.trim() || null,
    destinations: v.destinations.map((d) => ({ destinationId: id(d.destinationId), retention: retentionOf(d) })),
    ...(schedule ? { schedule } : {}),
    compression: { algorithm: v.compression, ...(level === undefined ? {} : { level }) },
    // "No profile" is sent as '' : the API's query-friendly type coercion turns a JSON null in an
    // integer-or-null field into 0 (an unknown profile).
    ...(v.encryptionProfileId ? { encryptionProfileId: Number(v.encryptionProfileId) } : { encryptionProfile: '' }),
    timeout: v.timeout.trim() || '6h',
    notifications: v.notifications.map((n) => ({ channelId: id(n.channelId), condition: n.condition })),
  };
}

const TOP_FIELDS: Record<string, string> = {
  name: 'name',
  description: 'description',
  customer: 'customerId',
  customerId: 'customerId',
  source: 'sourceId',
  sourceId: 'sourceId',
  database: 'database',
  compression: 'compression',
  encryptionProfile: 'encryptionProfileId',
  encryptionProfileId: 'encryptionProfileId',
  timeout: 'timeout',
  timeoutSeconds: 'timeout',
  destinations: 'destinations.0.destinationId',
  notifications: 'notifications',
};

const SCHEDULE_FIELDS: Record<string, string> = {
  expression: 'cronExpression',
  days: 'days',
  times: 'times',
  timezone: 'timezone',
};

/**
 * Maps an API error path to the form field that shows it, or null (the form-level alert):
 * "job.destinations[0].retention" → "destinations.0.retention", "schedule.expression" →
 * "cronExpression", "body.name" → "name", "compression.level" → "compressionLevel".
 */
export function formFieldOf(apiPath: string): string | null {
  const path = apiPath.replace(/^(job|body)\./, '');
  const schedule = /^schedule(?:\.([A-Za-z]+))?/.exec(path);
  if (schedule) return (schedule[1] && SCHEDULE_FIELDS[schedule[1]]) || 'scheduleType';
  if (path.startsWith('compression.level')) return 'compressionLevel';
  const list = /^(destinations|notifications)\[(\d+)\](?:\.([A-Za-z]+))?/.exec(path);
  if (list) {
    const [, which, index, sub] = list;
    if (which === 'destinations') return `destinations.${index}.${sub === 'retention' ? 'retention' : 'destinationId'}`;
    return `notifications.${index}.${sub === 'condition' ? 'condition' : 'channelId'}`;
  }
  // normalizeStatic names retention paths without the job prefix: "destinations[0].retention".
  return TOP_FIELDS[path.split(/[.[]/)[0]!] ?? null;
}
