/**
 * Shapes of API answers and small request helpers shared by the pipeline test files
 * (pipeline-*.test.ts): one definition instead of one per file.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Backup, Job, Run } from '../../src/core/api-types.js';
import type { TestApp } from './test-app.js';

export type { Backup, Job, Run, RunStep as Step } from '../../src/core/api-types.js';

export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

export async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => [])) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(dir, p)));
    else out.push(p);
  }
  return out.sort();
}

export async function create<T = Job>(t: TestApp, url: string, body: unknown): Promise<T> {
  const r = await t.call<T>('POST', url, body);
  if (r.status !== 201) throw new Error(`POST ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function patch(t: TestApp, url: string, body: unknown): Promise<Job> {
  const r = await t.call<Job>('PATCH', url, body);
  if (r.status !== 200) throw new Error(`PATCH ${url}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function startRun(t: TestApp, job: string | number): Promise<Run> {
  const r = await t.call<Run>('POST', `/api/jobs/${encodeURIComponent(String(job))}/run`);
  if (r.status !== 201) throw new Error(`run ${job}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

export const runJob = async (t: TestApp, job: string | number): Promise<Run> =>
  t.waitForRun((await startRun(t, job)).id);

export async function backupsOf(t: TestApp, jobId: number): Promise<Backup[]> {
  return (await t.call<{ items: Backup[] }>('GET', `/api/backups?jobId=${jobId}`)).body.items;
}

export async function logText(t: TestApp, runId: number): Promise<string> {
  const r = await t.call('GET', `/api/runs/${runId}/logs?limit=5000`);
  return (r.body.items as { message: string }[]).map((l) => l.message).join('\n');
}

export const ids = (xs: { id: number }[]) => xs.map((x) => x.id).sort((a, b) => a - b);

export const stepStatus = (run: Run, name: string) => run.steps.find((s) => s.name === name)?.status;

/** Polls the run until `pred` holds (progress is flushed every half second while running). */
export async function waitUntil(t: TestApp, runId: number, pred: (run: Run) => boolean, what: string): Promise<Run> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = (await t.call<Run>('GET', `/api/runs/${runId}`)).body;
    if (pred(r)) return r;
    if (['success', 'warning', 'failed', 'timed_out', 'cancelled'].includes(r.status))
      throw new Error(`run ${runId} ended (${r.status}: ${r.error}) before ${what}`);
    if (Date.now() > deadline) throw new Error(`run ${runId}: ${what} never happened`);
    await new Promise((res) => setTimeout(res, 50));
  }
}
