import { describe, expect, it } from 'vitest';
import type { Run, Step } from '../../api/types';
import { localDayIso, readFilters, toQuery, writeFilters } from './history-params';
import { currentStepIndex, stepLabel } from './run-steps-logic';
import { nextSort } from '../../components/SortHeader';

describe('History filters in the address bar', () => {
  it('reads what it writes, and ignores what it does not understand', () => {
    const f = readFilters(new URLSearchParams('status=failed,success&from=2025-03-01&to=bad&sort=nope&page=3'));
    expect(f).toEqual({
      status: ['failed', 'success'],
      from: '2025-03-01',
      to: '',
      sort: undefined,
      order: 'desc',
      page: 3,
    });
    expect(writeFilters({ ...f, sort: 'duration', order: 'asc', page: 1 }).toString()).toBe(
      'status=failed%2Csuccess&from=2025-03-01&sort=duration&order=asc',
    );
    expect(readFilters(new URLSearchParams('page=-2')).page).toBe(1);
  });

  it('asks the server for whole local days, "To" included', () => {
    const q = toQuery(readFilters(new URLSearchParams('from=2025-03-01&to=2025-03-02&sort=job&order=asc')));
    expect(q.from).toBe(new Date(2025, 2, 1).toISOString());
    expect(q.to).toBe(new Date(2025, 2, 3).toISOString());
    expect(q).toMatchObject({ sort: 'job', order: 'asc', page: 1, pageSize: 50 });
    expect(localDayIso('2025-12-31', 1)).toBe(new Date(2026, 0, 1).toISOString());
  });

  it('flips the direction of the sorted column and starts a new one at its natural order', () => {
    expect(nextSort({ sort: 'job', order: 'asc' }, 'job', 'asc')).toEqual({ sort: 'job', order: 'desc' });
    expect(nextSort({ sort: 'job', order: 'asc' }, 'duration', 'desc')).toEqual({ sort: 'duration', order: 'desc' });
    expect(nextSort({ sort: undefined, order: 'desc' }, 'startedAt', 'desc')).toEqual({
      sort: 'startedAt',
      order: 'desc',
    });
  });
});

describe('the highlighted step of a run', () => {
  const step = (name: string, status: Step['status']): Step => ({ name, status, startedAt: null, finishedAt: null });
  const run = (status: Run['status'], steps: Step[], current: string | null = null) =>
    ({ status, steps, step: current }) as Run;
  const names = ['initialize', 'dump', 'upload'];

  it('is the running step, the failed one, or past the end when all are done', () => {
    const s1 = [step('initialize', 'done'), step('dump', 'running'), step('upload', 'pending')];
    expect(currentStepIndex(run('running', s1, 'dump'), s1)).toBe(1);
    const s2 = [step('initialize', 'done'), step('dump', 'failed'), step('upload', 'skipped')];
    expect(currentStepIndex(run('failed', s2), s2)).toBe(1);
    const s3 = names.map((n) => step(n, 'done'));
    expect(currentStepIndex(run('success', s3), s3)).toBe(3);
    const s4 = names.map((n) => step(n, 'pending'));
    expect(currentStepIndex(run('queued', s4), s4)).toBe(0);
  });

  it('capitalises step names', () => {
    expect(stepLabel('initialize')).toBe('Initialize');
    expect(stepLabel('timed_out')).toBe('Timed out');
  });
});
