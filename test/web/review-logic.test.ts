import { describe, expect, it } from 'vitest';
import type { CheckedRun, Override, RunCheckJob, Ticket } from '../../web/src/api/types.js';
import { statusBadge } from '../../web/src/components/StatusChip.js';
import { daySummary, windowText } from '../../web/src/features/daily-jobs/daily-jobs-logic.js';
import {
  changedSummary,
  describeErrorMatch,
  describeScope,
  EMPTY_OVERRIDE,
  formToPayload,
  levelOf,
  overrideToForm,
  validateOverrideForm,
} from '../../web/src/features/overrides/override-form.js';
import {
  dateFieldToIso,
  dateInputToIso,
  isoToDateInput,
  shiftDate,
  todayIn,
} from '../../web/src/features/run-checks/review-time.js';
import {
  canMarkSuccess,
  filtersFromSearch,
  filtersToSearch,
  keepListed,
  mergeRuns,
  remainingLabel,
  runChecksPath,
  sortRunCheckJobs,
  statusSummary,
  worstOf,
} from '../../web/src/features/run-checks/run-checks-logic.js';
import {
  describeScopes,
  formToRemarkPayload,
  formToScopes,
  formToTicketPayload,
  newRemarkForm,
  newTicketForm,
  ticketToForm,
  validateRemarkForm,
  validateTicketForm,
} from '../../web/src/features/tickets/tickets-logic.js';

const check = (id: number, customer: string, name: string, worstStatus: RunCheckJob['worstStatus']): RunCheckJob => ({
  job: {
    id,
    name,
    kind: 'monitored',
    customer: { id: customer.length, name: customer },
    software: null,
    backupType: null,
  },
  unreviewed: 1,
  worstStatus,
  lastRunAt: '2026-03-01T02:00:00.000Z',
  statuses: { [worstStatus]: 1 },
  hasOpenRemark: false,
  hasOpenTicket: false,
});

const run = (id: number, over: Partial<CheckedRun> = {}): CheckedRun =>
  ({
    id,
    jobId: 1,
    jobName: 'SQL Nightly',
    customerId: 1,
    operation: 'backup',
    status: 'failed',
    statusLabel: 'Failed',
    trigger: 'email',
    queuedAt: `2026-03-0${id}T02:00:00.000Z`,
    startedAt: `2026-03-0${id}T02:00:00.000Z`,
    finishedAt: null,
    durationMs: null,
    step: null,
    steps: [],
    bytesRead: 0,
    bytesWritten: 0,
    rate: 0,
    error: null,
    backupIds: [],
    effectiveStatus: 'failed',
    overridden: false,
    reviewedAt: null,
    reviewedBy: null,
    ...over,
  }) as CheckedRun;

describe('Run Checks view logic', () => {
  it('puts failed, timed out and missed jobs first, then warnings, then the rest; by customer and name within', () => {
    const sorted = sortRunCheckJobs([
      check(1, 'Contoso', 'Zeta', 'success'),
      check(2, 'Contoso', 'Files', 'warning'),
      check(3, 'Fabrikam', 'SQL', 'failed'),
      check(4, 'Contoso', 'Exchange', 'missed'),
      check(5, 'Contoso', 'Alpha', 'cancelled'),
      check(6, 'Contoso', 'Dump', 'timed_out'),
      check(7, 'Acme', 'Web', 'warning'),
    ]);
    expect(sorted.map((i) => i.job.id)).toEqual([6, 4, 3, 7, 2, 5, 1]);
  });

  it('summarises status counts worst first and picks the worst status', () => {
    expect(statusSummary({ success: 3, failed: 2, warning: 1, missed: 0 })).toBe('2 failed · 1 warning · 3 success');
    expect(statusSummary({ timed_out: 1 })).toBe('1 timed out');
    expect(worstOf({ success: 2, warning: 1 })).toBe('warning');
    expect(worstOf({ success: 2, missed: 1, warning: 4 })).toBe('missed');
    expect(worstOf({})).toBe('success');
  });

  it('says how many runs are left, and "All runs reviewed" at zero', () => {
    expect(remainingLabel(0)).toBe('All runs reviewed');
    expect(remainingLabel(1)).toBe('1 run to review');
    expect(remainingLabel(12)).toBe('12 runs to review');
  });

  it('keeps filters in the URL without defaults, and asks for reviewed runs only for admins', () => {
    const f = filtersFromSearch(new URLSearchParams('q=sql&customer=3&reviewed=1'));
    expect(f).toEqual({ q: 'sql', customerId: '3', showReviewed: true });
    expect(filtersToSearch(f).toString()).toBe('q=sql&customer=3&reviewed=1');
    expect(filtersToSearch({ q: '  ', customerId: null, showReviewed: false }).toString()).toBe('');
    expect(runChecksPath(f, true)).toBe('/api/run-checks?q=sql&customerId=3&includeReviewed=true&pageSize=200');
    expect(runChecksPath(f, false)).toBe('/api/run-checks?q=sql&customerId=3&pageSize=200');
  });

  it('drops selected jobs that are no longer listed', () => {
    expect([...keepListed(new Set([1, 2, 3]), [check(2, 'A', 'x', 'failed'), check(4, 'A', 'y', 'failed')])]).toEqual([
      2,
    ]);
  });

  it('offers Mark as success only for finished runs that do not count as success yet', () => {
    expect(canMarkSuccess({ status: 'failed', effectiveStatus: 'failed' })).toBe(true);
    expect(canMarkSuccess({ status: 'missed' })).toBe(true);
    expect(canMarkSuccess({ status: 'warning', effectiveStatus: 'success' })).toBe(false);
    expect(canMarkSuccess({ status: 'success' })).toBe(false);
    expect(canMarkSuccess({ status: 'running' })).toBe(false);
  });

  it('shows runs changed in the drawer in their new state, newest first, even once reviewed', () => {
    const handled = new Map([[2, run(2, { effectiveStatus: 'success', overridden: true, reviewedAt: 'x' })]]);
    const merged = mergeRuns([run(1), run(3)], handled);
    expect(merged.map((r) => r.id)).toEqual([3, 2, 1]);
    expect(merged[1]).toMatchObject({ overridden: true, reviewedAt: 'x' });
    // A server answer for a handled run is replaced by the handled state.
    expect(mergeRuns([run(2)], handled)[0]!.overridden).toBe(true);
  });
});

describe('status badges', () => {
  it('gives an overridden success the distinct blue "Success (override)" titled with the original status', () => {
    expect(statusBadge('success', { overridden: true, original: 'failed' })).toEqual({
      kind: 'override',
      label: 'Success (override)',
      color: 'blue',
      variant: 'filled',
      title: 'Overridden: reported as Failed',
    });
    expect(statusBadge('success', { overridden: true }).title).toBe('Overridden: counts as success');
  });

  it('keeps the plain chips otherwise, including missed and expected', () => {
    expect(statusBadge('success')).toMatchObject({ kind: 'success', label: 'Success', color: 'green', title: null });
    // Not success (a rule that records only): the real status shows.
    expect(statusBadge('warning', { overridden: true, original: 'warning' })).toMatchObject({ label: 'Warning' });
    expect(statusBadge('missed')).toMatchObject({ kind: 'missed', label: 'Missed' });
    expect(statusBadge('expected')).toMatchObject({ kind: 'expected', label: 'Expected', color: 'gray' });
  });
});

describe('review dates in the instance time zone', () => {
  it('reads today and moves between days', () => {
    const t = Date.parse('2026-03-28T23:30:00Z');
    expect(todayIn('UTC', t)).toBe('2026-03-28');
    expect(todayIn('Europe/Berlin', t)).toBe('2026-03-29');
    expect(shiftDate('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDate('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('turns a day into its first and last instant, and back', () => {
    expect(dateInputToIso('2026-03-29', 'Europe/Berlin')).toBe('2026-03-28T23:00:00.000Z');
    // 29 March 2026 is the spring-forward day in Berlin: 23 hours long.
    expect(dateInputToIso('2026-03-29', 'Europe/Berlin', true)).toBe('2026-03-29T21:59:59.999Z');
    expect(dateInputToIso('', 'UTC')).toBeNull();
    expect(() => dateInputToIso('2026-02-30', 'UTC')).toThrow(RangeError);
    expect(isoToDateInput('2026-03-28T23:00:00.000Z', 'Europe/Berlin')).toBe('2026-03-29');
    expect(isoToDateInput(null, 'UTC')).toBe('');
  });

  it('keeps a stored instant while its day is unchanged', () => {
    expect(dateFieldToIso('2026-04-01', '2026-04-01T10:15:00.000Z', 'UTC')).toBe('2026-04-01T10:15:00.000Z');
    expect(dateFieldToIso('2026-04-02', '2026-04-01T10:15:00.000Z', 'UTC')).toBe('2026-04-02T00:00:00.000Z');
    expect(dateFieldToIso('', '2026-04-01T10:15:00.000Z', 'UTC')).toBeNull();
  });
});

const stored: Override = {
  id: 7,
  level: 'object',
  customerId: 2,
  jobId: 5,
  objectName: 'sql01',
  software: null,
  backupType: null,
  jobNamePattern: null,
  statuses: ['failed'],
  errorMatch: 'starts_with',
  errorText: 'Snapshot',
  treatAsSuccess: false,
  validFrom: '2026-04-01T10:15:00.000Z',
  validUntil: '2026-04-30T23:59:59.999Z',
  comment: 'known',
  createdBy: { id: 1, username: 'admin' },
  createdAt: '2026-04-01T10:15:00.000Z',
  updatedAt: '2026-04-01T10:15:00.000Z',
};

describe('override form ↔ API', () => {
  it('reads the override draft of a run into the form', () => {
    const v = overrideToForm(
      {
        level: 'job',
        customerId: 2,
        jobId: 5,
        objectName: null,
        software: null,
        backupType: null,
        jobNamePattern: null,
        statuses: ['warning'],
        errorMatch: 'contains',
        errorText: '',
        treatAsSuccess: true,
        validFrom: null,
        validUntil: null,
        comment: '',
      },
      'UTC',
    );
    expect(v).toEqual({ ...EMPTY_OVERRIDE, level: 'job', jobId: '5', statuses: ['warning'] });
  });

  it('round-trips a stored rule, keeping bounds whose day did not change', () => {
    const v = overrideToForm(stored, 'UTC');
    expect(v).toMatchObject({
      level: 'object',
      jobId: '5',
      objectName: 'sql01',
      customerId: null,
      statuses: ['failed'],
      errorMatch: 'starts_with',
      treatAsSuccess: false,
      validFrom: '2026-04-01',
      validUntil: '2026-04-30',
    });
    expect(formToPayload(v, 'UTC', stored)).toEqual({
      level: 'object',
      customerId: null,
      jobId: 5,
      objectName: 'sql01',
      software: null,
      backupType: null,
      jobNamePattern: null,
      statuses: ['failed'],
      errorMatch: 'starts_with',
      errorText: 'Snapshot',
      treatAsSuccess: false,
      validFrom: '2026-04-01T10:15:00.000Z',
      validUntil: '2026-04-30T23:59:59.999Z',
      comment: 'known',
    });
  });

  it('sends only the fields of the chosen level, trimmed, with whole days', () => {
    const body = formToPayload(
      {
        ...EMPTY_OVERRIDE,
        level: 'global',
        software: ' Veeam Backup & Replication ',
        jobNamePattern: 'SQL*',
        customerId: '3',
        jobId: '9',
        objectName: 'left over',
        statuses: ['failed', 'warning'],
        errorText: '  changed block tracking ',
        validUntil: '2026-03-31',
      },
      'UTC',
    );
    expect(body).toMatchObject({
      level: 'global',
      customerId: 3,
      jobId: null,
      objectName: null,
      software: 'Veeam Backup & Replication',
      backupType: null,
      jobNamePattern: 'SQL*',
      statuses: ['warning', 'failed'],
      errorText: 'changed block tracking',
      validFrom: null,
      validUntil: '2026-03-31T23:59:59.999Z',
    });
    const job = formToPayload({ ...EMPTY_OVERRIDE, level: 'job', jobId: '4', software: 'x', customerId: '3' }, 'UTC');
    expect(job).toMatchObject({ level: 'job', jobId: 4, customerId: null, software: null, objectName: null });
  });

  it('derives the level like the server and validates the form', () => {
    expect(levelOf({ jobId: null })).toBe('global');
    expect(levelOf({ jobId: 3, objectName: null })).toBe('job');
    expect(levelOf({ jobId: 3, objectName: 'vm1' })).toBe('object');
    expect(validateOverrideForm({ ...EMPTY_OVERRIDE, level: 'object', statuses: [] })).toEqual({
      jobId: 'Choose the job',
      objectName: 'Name the object',
      statuses: 'Choose warning and/or failed',
    });
    expect(validateOverrideForm({ ...EMPTY_OVERRIDE, validFrom: '2026-05-02', validUntil: '2026-05-01' })).toEqual({
      validUntil: 'Must not be before "valid from"',
    });
    expect(validateOverrideForm(EMPTY_OVERRIDE)).toEqual({});
  });

  it('describes rules in words', () => {
    const names = { job: (id: number) => (id === 5 ? 'SQL Nightly' : `#${id}`), customer: () => 'Contoso' };
    expect(describeScope(stored, names)).toBe('Job SQL Nightly · object sql01');
    expect(
      describeScope(
        {
          ...stored,
          level: 'global',
          jobId: null,
          objectName: null,
          software: 'Veeam',
          jobNamePattern: 'SQL*',
          customerId: null,
        },
        names,
      ),
    ).toBe('Software Veeam · job name SQL* · any customer');
    expect(describeErrorMatch(stored)).toBe('message starts with "Snapshot"');
    expect(describeErrorMatch({ errorMatch: 'exact', errorText: ' ' })).toBe('any message');
    expect(changedSummary(1)).toBe('1 run changed');
    expect(changedSummary(0)).toBe('0 runs changed');
  });
});

describe('tickets and remarks', () => {
  const ticket: Ticket = {
    id: 3,
    code: 'PSA-1',
    description: 'NAS full',
    activeFrom: '2026-04-01T00:00:00.000Z',
    startDate: '2026-04-02T08:30:00.000Z',
    resolvedAt: null,
    runId: 14,
    scopes: [
      { kind: 'job', jobId: 5, customerId: 2 },
      { kind: 'customer', customerId: 2 },
      { kind: 'object', jobId: 5, objectName: 'sql01', customerId: 2 },
    ],
    createdBy: null,
    createdAt: '2026-04-02T08:30:00.000Z',
  };

  it('starts a ticket from Run Checks with the run linked and its job as scope', () => {
    const v = { ...newTicketForm({ jobId: 5, today: '2026-04-02' }), code: ' PSA-9 ' };
    expect(formToTicketPayload(v, 'UTC', null, 14)).toEqual({
      code: 'PSA-9',
      description: '',
      activeFrom: '2026-04-02T00:00:00.000Z',
      startDate: '2026-04-02T00:00:00.000Z',
      runId: 14,
      scopes: [{ kind: 'job', jobId: 5 }],
    });
  });

  it('round-trips a ticket: scopes by kind, unchanged dates kept, no runId on edit', () => {
    const v = ticketToForm(ticket, 'UTC');
    expect(v).toMatchObject({
      jobIds: ['5'],
      customerIds: ['2'],
      objects: [{ jobId: '5', objectName: 'sql01' }],
      startDate: '2026-04-02',
    });
    expect(formToTicketPayload(v, 'UTC', ticket, 99)).toEqual({
      code: 'PSA-1',
      description: 'NAS full',
      activeFrom: '2026-04-01T00:00:00.000Z',
      startDate: '2026-04-02T08:30:00.000Z',
      scopes: [
        { kind: 'job', jobId: 5 },
        { kind: 'customer', customerId: 2 },
        { kind: 'object', jobId: 5, objectName: 'sql01' },
      ],
    });
  });

  it('drops duplicate and half-filled scopes and requires a code and a scope', () => {
    expect(
      formToScopes({
        jobIds: ['5', '5'],
        customerIds: [],
        objects: [
          { jobId: '5', objectName: ' sql01 ' },
          { jobId: '5', objectName: 'sql01' },
          { jobId: null, objectName: 'x' },
        ],
      }),
    ).toEqual([
      { kind: 'job', jobId: 5 },
      { kind: 'object', jobId: 5, objectName: 'sql01' },
    ]);
    expect(validateTicketForm(newTicketForm({ today: '' }))).toEqual({
      code: 'Enter the ticket code',
      jobIds: 'Name at least one job, customer or object',
    });
    const names = { job: () => 'SQL Nightly', customer: () => 'Contoso' };
    expect(describeScopes(ticket.scopes, names)).toEqual([
      'Job SQL Nightly',
      'Customer Contoso',
      'Object sql01 (SQL Nightly)',
    ]);
  });

  it('creates a remark about a run (or the job) and edits only its text and date', () => {
    const v = { ...newRemarkForm({ jobId: 5, runId: 14, today: '2026-04-02' }), text: ' disk full ' };
    expect(formToRemarkPayload(v, 'UTC')).toEqual({
      jobId: 5,
      runId: 14,
      text: 'disk full',
      startDate: '2026-04-02T00:00:00.000Z',
    });
    expect(formToRemarkPayload({ ...v, runId: null }, 'UTC').runId).toBeNull();
    expect(formToRemarkPayload(v, 'UTC', { startDate: '2026-04-02T09:00:00.000Z' })).toEqual({
      text: 'disk full',
      startDate: '2026-04-02T09:00:00.000Z',
    });
    expect(validateRemarkForm(newRemarkForm({ today: '' }))).toEqual({
      jobId: 'Choose the job',
      text: 'Write the remark',
    });
  });
});

describe('Daily Jobs view logic', () => {
  it('shows the expected windows in the instance time zone', () => {
    const slots = [
      { from: '2026-03-01T01:45:00.000Z', to: '2026-03-01T02:15:00.000Z' },
      { from: '2026-03-01T13:45:00.000Z', to: '2026-03-01T14:15:00.000Z' },
    ];
    expect(windowText(slots, 'Europe/Berlin', 'en-GB')).toBe('02:45–03:15, 14:45–15:15');
    expect(windowText([], 'UTC')).toBe('—');
  });

  it('summarises the day worst first', () => {
    expect(
      daySummary([{ status: 'success' }, { status: 'failed' }, { status: 'expected' }, { status: 'success' }]),
    ).toBe('4 jobs: 1 failed · 2 success · 1 expected');
    expect(daySummary([])).toBe('No jobs expected');
  });
});
