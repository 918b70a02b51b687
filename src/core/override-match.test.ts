import { describe, expect, it } from 'vitest';
import type { OverrideDecision, OverrideRule, RunFacts } from './override-match.js';
import { matchOverride, overrideLevel, textMatches, wildcardMatches } from './override-match.js';

const AT = Date.parse('2026-03-10T02:00:00Z');

const rule = (over: Partial<OverrideRule> = {}): OverrideRule => ({
  id: 1,
  customerId: null,
  jobId: null,
  objectName: null,
  software: null,
  backupType: null,
  jobNamePattern: null,
  statuses: ['warning', 'failed'],
  errorMatch: 'contains',
  errorText: '',
  treatAsSuccess: true,
  validFrom: null,
  validUntil: null,
  ...over,
});

const run = (over: Partial<RunFacts> = {}): RunFacts => ({
  jobId: 10,
  customerId: 3,
  software: 'Veeam Backup & Replication',
  backupType: 'Backup Job',
  jobName: 'SQL Nightly',
  status: 'warning',
  message: 'Changed block tracking has been disabled for VM sql01',
  objects: [
    { name: 'sql01', status: 'warning', message: 'Changed block tracking has been disabled' },
    { name: 'web01', status: 'success', message: null },
  ],
  at: AT,
  ...over,
});

const twoFailing = (): RunFacts['objects'] => [
  { name: 'sql01', status: 'failed', message: 'Snapshot failed' },
  { name: 'web01', status: 'failed', message: 'Snapshot failed' },
];

const SUCCESS = (id = 1): OverrideDecision => ({ overrideId: id, effectiveStatus: 'success' });

describe('matchOverride: one rule', () => {
  it.each<[string, Partial<OverrideRule>, Partial<RunFacts>, OverrideDecision | null]>([
    // Status
    ['an empty rule matches any warning', {}, {}, SUCCESS()],
    ['an empty rule matches any failure', {}, { status: 'failed' }, SUCCESS()],
    ['successful runs never match', {}, { status: 'success' }, null],
    ['missed runs never match', {}, { status: 'missed' }, null],
    ['timed-out runs never match', {}, { status: 'timed_out' }, null],
    ['status not listed in the rule', { statuses: ['failed'] }, { status: 'warning' }, null],
    ['status listed in the rule', { statuses: ['failed'] }, { status: 'failed' }, SUCCESS()],
    ['a rule with no statuses matches nothing', { statuses: [] }, {}, null],
    // Validity
    ['valid from exactly the run time (inclusive)', { validFrom: AT }, {}, SUCCESS()],
    ['valid until exactly the run time (inclusive)', { validUntil: AT }, {}, SUCCESS()],
    ['not yet valid', { validFrom: AT + 1 }, {}, null],
    ['expired', { validUntil: AT - 1 }, {}, null],
    ['inside a closed window', { validFrom: AT - 1000, validUntil: AT + 1000 }, {}, SUCCESS()],
    // Global criteria
    ['customer matches', { customerId: 3 }, {}, SUCCESS()],
    ['customer differs', { customerId: 4 }, {}, null],
    ['software matches case-insensitively and trimmed', { software: ' veeam backup & REPLICATION ' }, {}, SUCCESS()],
    ['software differs', { software: 'Acronis Cyber Protect' }, {}, null],
    ['rule software vs a run without software', { software: 'Veeam' }, { software: null }, null],
    ['blank software means any', { software: '  ' }, { software: null }, SUCCESS()],
    ['backup type matches', { backupType: 'backup job' }, {}, SUCCESS()],
    ['backup type differs', { backupType: 'Backup Copy Job' }, {}, null],
    [
      'all criteria are ANDed: one mismatch is enough',
      { software: 'Veeam Backup & Replication', customerId: 9 },
      {},
      null,
    ],
    // Job name pattern
    ['job name exact, any case', { jobNamePattern: 'sql nightly' }, {}, SUCCESS()],
    ['plain text is not a substring match', { jobNamePattern: 'SQL' }, {}, null],
    ['* wildcard', { jobNamePattern: 'SQL*' }, {}, SUCCESS()],
    ['* matches nothing too', { jobNamePattern: 'SQL Nightly*' }, {}, SUCCESS()],
    ['? is exactly one character', { jobNamePattern: 'SQL Nightl?' }, {}, SUCCESS()],
    ['? does not match zero characters', { jobNamePattern: 'SQL Nightly?' }, {}, null],
    ['regex characters are literal', { jobNamePattern: 'SQL.Nightly' }, {}, null],
    ['wildcard in the middle', { jobNamePattern: '*night*' }, {}, SUCCESS()],
    // Error text (rules without an object: overall message or any non-success object)
    ['contains, case-insensitive', { errorText: 'CHANGED BLOCK tracking' }, {}, SUCCESS()],
    ['contains: not found', { errorText: 'disk full' }, {}, null],
    [
      'exact on the overall message',
      { errorMatch: 'exact', errorText: 'changed block tracking has been disabled for vm SQL01' },
      {},
      SUCCESS(),
    ],
    [
      'exact on an object message',
      { errorMatch: 'exact', errorText: ' Changed block tracking has been disabled ' },
      {},
      SUCCESS(),
    ],
    ['exact: a prefix is not enough', { errorMatch: 'exact', errorText: 'Changed block' }, {}, null],
    ['starts with', { errorMatch: 'starts_with', errorText: 'changed block' }, {}, SUCCESS()],
    ['starts with: no', { errorMatch: 'starts_with', errorText: 'block' }, {}, null],
    ['ends with (object message)', { errorMatch: 'ends_with', errorText: 'HAS BEEN DISABLED' }, {}, SUCCESS()],
    ['ends with: no', { errorMatch: 'ends_with', errorText: 'tracking' }, {}, null],
    ['whitespace runs are collapsed', { errorText: 'block   tracking\nhas' }, {}, SUCCESS()],
    ['empty text matches a run without any message', {}, { message: null, objects: [] }, SUCCESS()],
    ['text vs a run without any message', { errorText: 'x' }, { message: null, objects: [] }, null],
    [
      'successful objects are not looked at',
      { errorText: 'quota' },
      { message: null, objects: [{ name: 'a', status: 'success', message: 'quota low' }] },
      null,
    ],
    [
      'objects without status are not looked at',
      { errorText: 'quota' },
      { message: null, objects: [{ name: 'a', status: null, message: 'quota low' }] },
      null,
    ],
    // Job level
    ['job rule for this job', { jobId: 10 }, {}, SUCCESS()],
    ['job rule for another job', { jobId: 11 }, {}, null],
    [
      'job rule: any failing object message counts',
      { jobId: 10, errorText: 'snapshot' },
      { status: 'failed', message: 'Job failed', objects: twoFailing() },
      SUCCESS(),
    ],
    // Object level
    ['object rule: the only failing object', { jobId: 10, objectName: 'SQL01' }, {}, SUCCESS()],
    ['object rule: another object failing', { jobId: 10, objectName: 'web01' }, {}, null],
    [
      'object rule: two objects failing, rule names one',
      { jobId: 10, objectName: 'sql01' },
      { status: 'failed', objects: twoFailing() },
      null,
    ],
    [
      'object rule: two failing objects with the same name',
      { jobId: 10, objectName: 'sql01', errorText: 'snapshot' },
      { status: 'failed', objects: twoFailing().map((o) => ({ ...o, name: 'SQL01' })) },
      SUCCESS(),
    ],
    [
      'object rule: message must match on the object',
      { jobId: 10, objectName: 'sql01', errorText: 'disk full' },
      {},
      null,
    ],
    [
      'object rule: object message matches, overall message does not',
      { jobId: 10, objectName: 'sql01', errorMatch: 'exact', errorText: 'changed block tracking has been disabled' },
      {},
      SUCCESS(),
    ],
    [
      'object rule: an object without a message uses the overall one',
      { jobId: 10, objectName: 'sql01', errorText: 'for vm sql01' },
      { objects: [{ name: 'sql01', status: 'warning', message: null }] },
      SUCCESS(),
    ],
    [
      'object rule: no failing objects (overall failure only)',
      { jobId: 10, objectName: 'sql01' },
      { status: 'failed', objects: [{ name: 'sql01', status: 'success', message: null }] },
      null,
    ],
    ['object rule: no objects at all', { jobId: 10, objectName: 'sql01' }, { objects: [] }, null],
    ['object rule still checks the job', { jobId: 99, objectName: 'sql01' }, {}, null],
    // Outcome
    [
      'treat as success off: matched, status unchanged',
      { treatAsSuccess: false },
      {},
      { overrideId: 1, effectiveStatus: null },
    ],
  ])('%s', (_, r, facts, expected) => {
    expect(matchOverride([rule(r)], run(facts))).toEqual(expected);
  });
});

describe('matchOverride: several rules', () => {
  const global1 = rule({ id: 1, software: 'Veeam Backup & Replication' });
  const global2 = rule({ id: 2, errorText: 'block tracking', treatAsSuccess: false });
  const job5 = rule({ id: 5, jobId: 10 });
  const job4 = rule({ id: 4, jobId: 10, treatAsSuccess: false });
  const object9 = rule({ id: 9, jobId: 10, objectName: 'sql01' });
  const otherJob3 = rule({ id: 3, jobId: 11 });

  it.each<[string, OverrideRule[], Partial<RunFacts>, number | null]>([
    ['no rules', [], {}, null],
    ['global rules: lowest id first', [global2, global1], {}, 1],
    ['job rules before global ones', [global1, job5], {}, 5],
    ['job rules: lowest id first', [job5, job4, global1], {}, 4],
    ['object rules before job rules', [job4, object9, global1], {}, 9],
    ['another job’s rule is skipped', [otherJob3, global2], {}, 2],
    [
      'a non-matching object rule falls through to job rules',
      [object9, job5],
      { status: 'failed', objects: twoFailing() },
      5,
    ],
    [
      'a non-matching job rule falls through to global rules',
      [rule({ id: 4, jobId: 10, errorText: 'nope' }), global2],
      {},
      2,
    ],
    ['nothing matches a successful run', [global1, job5, object9], { status: 'success' }, null],
  ])('%s', (_, rules, facts, expectedId) => {
    expect(matchOverride(rules, run(facts))?.overrideId ?? null).toBe(expectedId);
  });

  it('does not reorder the caller’s array', () => {
    const rules = [global2, object9, global1];
    matchOverride(rules, run());
    expect(rules.map((r) => r.id)).toEqual([2, 9, 1]);
  });
});

describe('overrideLevel', () => {
  it.each<[number | null, string | null, string]>([
    [null, null, 'global'],
    [null, 'sql01', 'global'],
    [10, null, 'job'],
    [10, '  ', 'job'],
    [10, 'sql01', 'object'],
  ])('jobId %s, objectName %j → %s', (jobId, objectName, level) => {
    expect(overrideLevel({ jobId, objectName })).toBe(level);
  });
});

describe('textMatches and wildcardMatches', () => {
  it.each<[OverrideRule['errorMatch'], string, string | null, boolean]>([
    ['contains', '', null, true],
    ['exact', '   ', 'anything', true],
    ['exact', 'a', null, false],
    ['contains', 'ß', 'STRASSE ß', true],
    ['starts_with', 'error:', '  Error: disk full', true],
    ['ends_with', 'full.', 'Error: disk FULL.  ', true],
  ])('%s %j in %j → %s', (mode, text, message, expected) => {
    expect(textMatches(mode, text, message)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ['Backup-*', 'backup-files', true],
    ['[prod] *', '[PROD] db', true],
    ['a+b', 'a+b', true],
    ['a+b', 'aab', false],
    ['*', '', true],
    ['?', '', false],
    ['Ünïcode ?', 'ünïcode 😀', true],
    ['db (main)', 'DB (MAIN)', true],
  ])('%j vs %j → %s', (pattern, name, expected) => {
    expect(wildcardMatches(pattern, name)).toBe(expected);
  });
});
