import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../web/src/api/client.js';
import type { Job } from '../../web/src/api/types.js';
import { readSchedule } from '../../web/src/lib/schedule-text.js';
import {
  emptyValues,
  formFieldOf,
  newDestination,
  scheduleDraft,
  toJobInput,
  valuesFromJob,
} from '../../web/src/features/jobs/job-form.js';
import { splitJobError } from '../../web/src/features/jobs/job-errors.js';

vi.mock('../../web/src/lib/core.js', () => import('./core-for-tests.js'));

describe('schedule reading in the editor (the server core, in the browser)', () => {
  it('reads cron and weekly schedules in plain words', () => {
    expect(readSchedule({ type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Paris' }, 'UTC')).toMatchObject({
      text: 'Every day at 02:00 (Europe/Paris)',
      error: null,
    });
    expect(readSchedule({ type: 'cron', expression: '*/15 * * * *', timezone: '' }, 'Europe/Berlin').text).toBe(
      'Every 15 minutes (Europe/Berlin)',
    );
    expect(readSchedule({ type: 'cron', expression: '@weekly', timezone: 'UTC' }, 'UTC').text).toBe(
      'Every Sunday at 00:00 (UTC)',
    );
    expect(
      readSchedule(
        { type: 'weekly', days: ['fri', 'mon', 'tue', 'wed'], times: ['14:30', '02:00'], timezone: 'UTC' },
        'UTC',
      ).text,
    ).toBe('Mon–Wed, Fri at 02:00 and 14:30 (UTC)');
    expect(readSchedule({ type: 'manual' }, 'UTC').text).toBe('Manual');
  });

  it('says what is wrong, for the field that is wrong', () => {
    const bad = readSchedule({ type: 'cron', expression: '61 * * * *', timezone: 'UTC' }, 'UTC');
    expect(bad).toMatchObject({ text: null, field: 'schedule.expression' });
    expect(bad.error).toBe("'61 * * * *' is not a valid cron expression: minute must be 0–59");
    expect(readSchedule({ type: 'cron', expression: '0 2 * *', timezone: 'UTC' }, 'UTC').error).toMatch(
      /expected 5 fields/,
    );
    expect(readSchedule({ type: 'cron', expression: '', timezone: 'UTC' }, 'UTC').error).toMatch(
      /^A cron expression is required/,
    );
    const days = readSchedule({ type: 'weekly', days: [], times: ['02:00'], timezone: 'UTC' }, 'UTC');
    expect(days).toMatchObject({ field: 'schedule.days', error: 'Days must list at least one day' });
    const times = readSchedule({ type: 'weekly', days: ['mon'], times: ['02:00', '25:00'], timezone: 'UTC' }, 'UTC');
    expect(times).toMatchObject({ field: 'schedule.times[1]', error: "'25:00' is not a time (HH:MM)" });
    const zone = readSchedule({ type: 'cron', expression: '@daily', timezone: 'Mars/Olympus' }, 'UTC');
    expect(zone).toMatchObject({ field: 'schedule.timezone', error: "'Mars/Olympus' is not a known time zone" });
  });
});

describe('job form values ↔ API', () => {
  const job = {
    id: 9,
    name: 'nightly',
    description: '',
    customer: { id: 2, name: 'Acme', slug: 'acme' },
    schedule: { type: 'weekly', days: ['mon'], times: ['03:00'], timezone: 'Europe/Paris' },
    source: { id: 4, name: 'db', kind: 'sqlite' },
    database: null,
    destinations: [
      { id: 5, name: 'local', kind: 'local', retention: { type: 'gfs', daily: 7, weekly: 4, monthly: 6, yearly: 1 } },
    ],
    compression: { algorithm: 'gzip', level: 9 },
    encryptionProfile: { id: 3, name: 'main' },
    timeoutSeconds: 5400,
    notifications: [{ channel: { id: 8, name: 'ops', kind: 'webhook' }, condition: 'failure' }],
  } as unknown as Job;

  it('turns a job into form values and back into the same settings', () => {
    const values = valuesFromJob(job, 'UTC');
    expect(values).toMatchObject({
      customerId: '2',
      sourceId: '4',
      scheduleType: 'weekly',
      timezone: 'Europe/Paris',
      compression: 'gzip',
      compressionLevel: 9,
      timeout: '1h30m',
    });
    expect(toJobInput(values)).toEqual({
      name: 'nightly',
      description: '',
      customerId: 2,
      sourceId: 4,
      database: null,
      destinations: [{ destinationId: 5, retention: { type: 'gfs', daily: 7, weekly: 4, monthly: 6, yearly: 1 } }],
      schedule: { type: 'weekly', days: ['mon'], times: ['03:00'], timezone: 'Europe/Paris' },
      compression: { algorithm: 'gzip', level: 9 },
      encryptionProfileId: 3,
      timeout: '1h30m',
      notifications: [{ channelId: 8, condition: 'failure' }],
    });
  });

  it('builds a new job: default level left to the server, no profile sent as empty', () => {
    const values = { ...emptyValues('Europe/Paris', '1'), name: ' db ', sourceId: '2' };
    values.destinations = [{ ...newDestination('6'), retention: 'keep_last', count: 3 }];
    values.scheduleType = 'cron';
    const body = toJobInput(values);
    expect(body).toMatchObject({
      name: 'db',
      destinations: [{ destinationId: 6, retention: { type: 'keep_last', count: 3 } }],
      schedule: { type: 'cron', expression: '0 2 * * *', timezone: 'Europe/Paris' },
      compression: { algorithm: 'zstd' },
      encryptionProfile: '',
    });
    expect(body).not.toHaveProperty('encryptionProfileId');
  });

  it('keeps a schedule the editor cannot show (an interval) unless another type is chosen', () => {
    const interval = { type: 'interval', everySeconds: 900 } as const;
    const values = valuesFromJob({ ...job, schedule: interval }, 'UTC');
    expect(values.scheduleType).toBe('keep');
    expect(scheduleDraft(values)).toBeNull();
    expect(toJobInput(values, interval).schedule).toEqual(interval);
    expect(toJobInput({ ...values, scheduleType: 'manual' }, interval).schedule).toEqual({ type: 'manual' });
  });

  it('maps API error paths to the form fields that show them', () => {
    expect(formFieldOf('job.name')).toBe('name');
    expect(formFieldOf('body.name')).toBe('name');
    expect(formFieldOf('job.destinations[1].retention')).toBe('destinations.1.retention');
    expect(formFieldOf('job.destinations[0]')).toBe('destinations.0.destinationId');
    expect(formFieldOf('job.destinations')).toBe('destinations.0.destinationId');
    expect(formFieldOf('schedule.expression')).toBe('cronExpression');
    expect(formFieldOf('schedule.times[2]')).toBe('times');
    expect(formFieldOf('schedule.type')).toBe('scheduleType');
    expect(formFieldOf('compression.level')).toBe('compressionLevel');
    expect(formFieldOf('job.encryptionProfile')).toBe('encryptionProfileId');
    expect(formFieldOf('job.timeout')).toBe('timeout');
    expect(formFieldOf('job.notifications[0].condition')).toBe('notifications.0.condition');
    expect(formFieldOf('job.notifications[3]')).toBe('notifications.3.channelId');
    expect(formFieldOf('job.kind')).toBeNull();
  });

  it('splits a save error into field messages and the rest', () => {
    const at = (message: string, status = 400) => splitJobError(new ApiError(message, status, 'validation_failed'));
    expect(at('job.destinations[0].retention: retention.count: must be a whole number from 1 to 10000')).toEqual({
      fields: { 'destinations.0.retention': 'Retention.count: must be a whole number from 1 to 10000' },
      rest: null,
    });
    expect(at("schedule.expression: '1 2 3' is not a valid cron expression")).toEqual({
      fields: { cronExpression: "'1 2 3' is not a valid cron expression" },
      rest: null,
    });
    expect(at('job.name is required').fields).toEqual({ name: 'Name is required' });
    expect(at('job.timeout must be between 10 seconds and 7 days').fields).toEqual({
      timeout: 'Timeout must be between 10 seconds and 7 days',
    });
    expect(at("job 'nightly' already exists for customer 'Acme'", 409)).toEqual({
      fields: { name: "job 'nightly' already exists for customer 'Acme'" },
      rest: null,
    });
    expect(at("job.kind 'system' cannot be created here")).toEqual({
      fields: {},
      rest: "job.kind 'system' cannot be created here",
    });
    expect(splitJobError(new Error('offline'))).toEqual({ fields: {}, rest: 'offline' });
  });
});
