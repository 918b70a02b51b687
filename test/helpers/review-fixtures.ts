/* eslint-disable @typescript-eslint/no-explicit-any -- test helper: API answers are checked by the tests */
import type { Repositories } from '../../src/db/repositories/repositories.js';
import type { NewRun } from '../../src/db/schema.js';
import type { TestApp } from './test-app.js';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Calls the API and fails the test with the answer when the status is not 2xx. */
export function okCaller(t: () => TestApp) {
  return async (method: string, url: string, body?: unknown, token?: string): Promise<any> => {
    const res = await t().call(method, url, body, token);
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
}

export interface MonitoredJobOpts {
  customerId: number;
  name: string;
  software?: string;
  backupType?: string;
  createdAt?: number;
  enabled?: boolean;
  archivedAt?: number | null;
}

/** A monitored (e-mail) job written straight into the database, as approval would create it. */
export async function insertMonitoredJob(repos: Repositories, o: MonitoredJobOpts): Promise<number> {
  const at = o.createdAt ?? Date.now();
  const row = await repos.jobs.insert({
    customer_id: o.customerId,
    kind: 'monitored',
    name: o.name,
    description: '',
    enabled: o.enabled === false ? 0 : 1,
    archived_at: o.archivedAt ?? null,
    deleted_at: null,
    schedule: JSON.stringify({ type: 'manual' }),
    next_fire_at: null,
    config: JSON.stringify({ feed: 'email', jobName: o.name }),
    created_at: at,
    updated_at: at,
    software: o.software ?? 'Veeam Backup & Replication',
    backup_type: o.backupType ?? 'Backup Job',
    match_sender: 'veeam@example.com',
    match_job_name: o.name.toLowerCase(),
    ping_token: null,
  });
  return row.id;
}

export interface RunOpts {
  jobId: number;
  customerId: number;
  status: string;
  at: number;
  operation?: string;
  error?: string | null;
  objects?: { name: string; type?: string; status: string; message?: string | null }[];
  durationMs?: number;
  reviewedAt?: number | null;
  reviewedBy?: number | null;
}

export function runRow(o: RunOpts): NewRun {
  return {
    job_id: o.jobId,
    customer_id: o.customerId,
    operation: o.operation ?? 'report',
    status: o.status,
    trigger: 'report',
    params: '{}',
    scheduled_for: null,
    queued_at: o.at + (o.durationMs ?? 10 * MIN),
    started_at: o.at,
    finished_at: o.at + (o.durationMs ?? 10 * MIN),
    step: null,
    steps: '[]',
    bytes_read: 0,
    bytes_written: 0,
    error: o.error ?? null,
    requested_by: null,
    objects: JSON.stringify((o.objects ?? []).map((x) => ({ type: 'vm', message: null, ...x }))),
    reviewed_at: o.reviewedAt ?? null,
    reviewed_by: o.reviewedBy ?? null,
  };
}

/** A finished run (a report, by default) recorded directly; returns its id. */
export async function insertRun(repos: Repositories, o: RunOpts): Promise<number> {
  return (await repos.runs.insert(runRow(o))).id;
}

/** Creates a customer through the API; returns its id. */
export async function createCustomer(t: TestApp, name: string, timezone?: string): Promise<number> {
  const res = await t.call('POST', '/api/customers', { name, ...(timezone ? { timezone } : {}) });
  if (res.status !== 201) throw new Error(`customer ${name}: ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}
