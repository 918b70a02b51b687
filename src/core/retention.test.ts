import { describe, expect, it } from 'vitest';
import type { RetentionPolicy } from './domain.js';
import { ValidationError } from './errors.js';
import type { RetentionCandidate, RetentionSelection } from './retention.js';
import { describeRetention, selectRetention, validateRetention } from './retention.js';

const PARIS = 'Europe/Paris';
const NOW = new Date('2027-01-15T12:00:00Z');

type Spec = [id: number, createdAt: string, extra?: Partial<RetentionCandidate>];
const backups = (...specs: Spec[]): RetentionCandidate[] =>
  specs.map(([id, createdAt, extra]) => ({
    id,
    createdAt: new Date(createdAt),
    pinned: false,
    status: 'success',
    ...extra,
  }));

const gfs = (daily: number, weekly = 0, monthly = 0, yearly = 0): RetentionPolicy => ({
  type: 'gfs',
  daily,
  weekly,
  monthly,
  yearly,
});

/** id → reasons for kept ones, id → '-' for deleted ones: easy to read in a table. */
const summary = (r: RetentionSelection): Record<number, string> =>
  Object.fromEntries([
    ...r.keep.map((d) => [d.id, d.reasons.join('; ')] as const),
    ...r.delete.map((d) => [d.id, '-'] as const),
  ]);

const select = (list: RetentionCandidate[], policy: RetentionPolicy, timezone = PARIS): RetentionSelection =>
  selectRetention(list, policy, { timezone, now: NOW });

describe('selectRetention', () => {
  it.each<[string, RetentionCandidate[], RetentionPolicy, string, Record<number, string>]>([
    ['empty input', [], gfs(7), PARIS, {}],
    [
      'none keeps everything',
      backups([1, '2026-11-01T10:00:00Z'], [2, '2026-11-02T10:00:00Z']),
      { type: 'none' },
      PARIS,
      {
        2: 'newest successful backup; no retention policy',
        1: 'no retention policy',
      },
    ],
    [
      'keep_last keeps the N newest, whatever the input order',
      backups(
        [3, '2026-11-03T10:00:00Z'],
        [1, '2026-11-01T10:00:00Z'],
        [5, '2026-11-05T10:00:00Z'],
        [2, '2026-11-02T10:00:00Z'],
        [4, '2026-11-04T10:00:00Z'],
      ),
      { type: 'keep_last', count: 3 },
      PARIS,
      {
        5: 'newest successful backup; keep-last 1 of 3',
        4: 'keep-last 2 of 3',
        3: 'keep-last 3 of 3',
        2: '-',
        1: '-',
      },
    ],
    [
      'a warning backup is not the newest successful one',
      backups(
        [1, '2026-11-01T10:00:00Z'],
        [2, '2026-11-02T10:00:00Z', { status: 'warning' }],
        [3, '2026-11-03T10:00:00Z', { status: 'warning' }],
      ),
      { type: 'keep_last', count: 1 },
      PARIS,
      { 3: 'keep-last 1 of 1', 2: '-', 1: 'newest successful backup' },
    ],
    [
      'pinned backups survive any policy',
      backups([1, '2025-01-01T10:00:00Z', { pinned: true }], [2, '2026-11-01T10:00:00Z'], [3, '2026-11-02T10:00:00Z']),
      { type: 'keep_last', count: 1 },
      PARIS,
      { 3: 'newest successful backup; keep-last 1 of 1', 2: '-', 1: 'pinned' },
    ],
    [
      'daily keeps the newest of each local day; 23:30 UTC is already the next day in Paris',
      backups(
        [1, '2026-11-19T08:00:00Z'],
        [2, '2026-11-19T22:30:00Z'], // 23:30 Paris, 19th
        [3, '2026-11-19T23:30:00Z'], // 00:30 Paris, 20th
        [4, '2026-11-20T10:00:00Z'],
      ),
      gfs(2),
      PARIS,
      {
        4: 'newest successful backup; daily 2026-11-20',
        3: '-',
        2: 'daily 2026-11-19',
        1: '-',
      },
    ],
    [
      'the same backups by UTC dates',
      backups(
        [1, '2026-11-19T08:00:00Z'],
        [2, '2026-11-19T22:30:00Z'],
        [3, '2026-11-19T23:30:00Z'],
        [4, '2026-11-20T10:00:00Z'],
      ),
      gfs(2),
      'UTC',
      {
        4: 'newest successful backup; daily 2026-11-20',
        3: 'daily 2026-11-19',
        2: '-',
        1: '-',
      },
    ],
    [
      'periods without backups do not count',
      backups([1, '2026-10-01T10:00:00Z'], [2, '2026-11-10T10:00:00Z'], [3, '2026-11-20T10:00:00Z']),
      gfs(3),
      PARIS,
      {
        3: 'newest successful backup; daily 2026-11-20',
        2: 'daily 2026-11-10',
        1: 'daily 2026-10-01',
      },
    ],
    [
      'fall-back weekend: 25 hours of backups stay on one local day',
      backups(
        [1, '2026-10-24T21:30:00Z'], // 23:30 CEST, Sat 24th
        [2, '2026-10-24T22:30:00Z'], // 00:30 CEST, Sun 25th
        [3, '2026-10-25T00:30:00Z'], // 02:30 CEST (first pass)
        [4, '2026-10-25T01:30:00Z'], // 02:30 CET (second pass)
        [5, '2026-10-25T22:59:00Z'], // 23:59 CET, Sun 25th
        [6, '2026-10-25T23:00:00Z'], // 00:00 CET, Mon 26th
      ),
      gfs(3),
      PARIS,
      {
        6: 'newest successful backup; daily 2026-10-26',
        5: 'daily 2026-10-25',
        4: '-',
        3: '-',
        2: '-',
        1: 'daily 2026-10-24',
      },
    ],
    [
      'spring-forward weekend: the short day is still one day',
      backups(
        [1, '2026-03-28T22:59:00Z'],
        [2, '2026-03-28T23:00:00Z'],
        [3, '2026-03-29T21:59:00Z'],
        [4, '2026-03-29T22:00:00Z'],
      ),
      gfs(3),
      PARIS,
      {
        4: 'newest successful backup; daily 2026-03-30',
        3: 'daily 2026-03-29',
        2: '-',
        1: 'daily 2026-03-28',
      },
    ],
    [
      'ISO weeks across a year boundary: 2026 has a week 53, 1 Jan 2027 belongs to it',
      backups(
        [1, '2026-12-27T10:00:00Z'], // Sun, 2026-W52
        [2, '2026-12-28T10:00:00Z'], // Mon, 2026-W53
        [3, '2027-01-01T10:00:00Z'], // Fri, 2026-W53
        [4, '2027-01-03T22:59:00Z'], // Sun 23:59 Paris, 2026-W53
        [5, '2027-01-03T23:00:00Z'], // Mon 00:00 Paris, 2027-W01
      ),
      gfs(0, 3),
      PARIS,
      {
        5: 'newest successful backup; weekly 2027-W01',
        4: 'weekly 2026-W53',
        3: '-',
        2: '-',
        1: 'weekly 2026-W52',
      },
    ],
    [
      'ISO week 1 can start in the previous December',
      backups([1, '2025-12-28T10:00:00Z'], [2, '2025-12-29T10:00:00Z']), // Sun W52, Mon 2026-W01
      gfs(0, 5),
      'UTC',
      { 2: 'newest successful backup; weekly 2026-W01', 1: 'weekly 2025-W52' },
    ],
    [
      'monthly and yearly use local months: New Year in Paris is 23:00 UTC',
      backups(
        [1, '2025-12-15T10:00:00Z'],
        [2, '2025-12-31T22:59:00Z'],
        [3, '2025-12-31T23:00:00Z'],
        [4, '2026-01-20T10:00:00Z'],
      ),
      gfs(0, 0, 2, 2),
      PARIS,
      {
        4: 'newest successful backup; monthly 2026-01; yearly 2026',
        3: '-',
        2: 'monthly 2025-12; yearly 2025',
        1: '-',
      },
    ],
    [
      'GFS buckets combine, a backup kept for several reasons lists them all',
      backups(
        [1, '2026-09-30T10:00:00Z'],
        [2, '2026-10-31T10:00:00Z'],
        [3, '2026-11-15T10:00:00Z'], // Sunday, W46
        [4, '2026-11-18T10:00:00Z'],
        [5, '2026-11-19T10:00:00Z'],
        [6, '2026-11-20T10:00:00Z', { status: 'warning' }],
      ),
      gfs(2, 2, 3, 0),
      PARIS,
      {
        6: 'daily 2026-11-20; weekly 2026-W47; monthly 2026-11',
        5: 'newest successful backup; daily 2026-11-19',
        4: '-',
        3: 'weekly 2026-W46',
        2: 'monthly 2026-10',
        1: 'monthly 2026-09',
      },
    ],
    [
      'undated and future backups are kept and do not take a slot',
      [
        ...backups([1, '2026-11-01T10:00:00Z'], [2, '2026-11-02T10:00:00Z'], [3, '2030-01-01T00:00:00Z']),
        {
          id: 4,
          createdAt: new Date(Number.NaN),
          pinned: false,
          status: 'success' as const,
        },
      ],
      { type: 'keep_last', count: 1 },
      PARIS,
      {
        4: 'creation time unknown',
        3: 'created after now (clock skew?)',
        2: 'newest successful backup; keep-last 1 of 1',
        1: '-',
      },
    ],
  ])('%s', (_name, list, policy, timezone, expected) => {
    expect(summary(select(list, policy, timezone))).toEqual(expected);
  });

  it('returns both lists newest first with a reason for each deletion', () => {
    const r = select(
      backups(
        [1, '2026-11-01T10:00:00Z'],
        [2, '2026-11-02T10:00:00Z'],
        [3, '2026-11-03T10:00:00Z'],
        [4, '2026-11-04T10:00:00Z'],
      ),
      { type: 'keep_last', count: 2 },
    );
    expect(r.keep.map((d) => d.id)).toEqual([4, 3]);
    expect(r.delete).toEqual([
      { id: 2, reasons: ['older than the 2 newest (keep-last 2)'] },
      { id: 1, reasons: ['older than the 2 newest (keep-last 2)'] },
    ]);
    const g = select(backups([1, '2026-11-01T10:00:00Z'], [2, '2026-11-01T11:00:00Z']), gfs(7, 4));
    expect(g.delete).toEqual([
      {
        id: 1,
        reasons: ['not the newest backup of a kept period (daily 7, weekly 4)'],
      },
    ]);
  });

  it('never deletes the newest successful backup even when every slot goes to warnings', () => {
    const list = backups(
      [1, '2026-11-01T10:00:00Z'],
      ...Array.from({ length: 10 }, (_, i): Spec => [
        10 + i,
        `2026-11-${String(10 + i).padStart(2, '0')}T10:00:00Z`,
        { status: 'warning' },
      ]),
    );
    const r = select(list, gfs(3));
    expect(r.keep.map((d) => d.id)).toEqual([19, 18, 17, 1]);
  });

  it('treats duplicate ids as one backup', () => {
    const r = select(backups([1, '2026-11-01T10:00:00Z'], [1, '2026-11-01T10:00:00Z']), {
      type: 'keep_last',
      count: 5,
    });
    expect(r.keep).toHaveLength(1);
  });
});

describe('validateRetention', () => {
  it.each<[unknown, RetentionPolicy]>([
    [{ type: 'none' }, { type: 'none' }],
    [
      { type: 'keep_last', count: 7 },
      { type: 'keep_last', count: 7 },
    ],
    [{ type: 'gfs', daily: 7, weekly: 4 }, gfs(7, 4, 0, 0)],
    [{ type: 'gfs', daily: 0, weekly: 0, monthly: 0, yearly: 10_000 }, gfs(0, 0, 0, 10_000)],
  ])('%j', (input, expected) => {
    expect(validateRetention(input)).toEqual(expected);
  });

  it.each<[unknown, string]>([
    [undefined, 'retention must be an object with a type (none, keep_last, gfs)'],
    [{ type: 'forever' }, "retention.type: 'forever' is not a retention type (none, keep_last, gfs)"],
    [{ type: 'keep_last' }, 'retention.count: must be a whole number from 1 to 10000'],
    [{ type: 'keep_last', count: 0 }, 'retention.count: must be a whole number from 1 to 10000'],
    [{ type: 'keep_last', count: 2.5 }, 'retention.count: must be a whole number'],
    [{ type: 'keep_last', count: '7' }, 'retention.count: must be a whole number'],
    [{ type: 'gfs', daily: -1 }, 'retention.daily: must be a whole number from 0 to 10000'],
    [{ type: 'gfs', monthly: 10_001 }, 'retention.monthly: must be a whole number from 0 to 10000'],
    [
      { type: 'gfs', daily: 0 },
      'retention: a GFS policy must keep at least one daily, weekly, monthly or yearly backup',
    ],
    [{ type: 'gfs', daily: 7, hourly: 24 }, 'retention.hourly: not a field of a gfs policy'],
  ])('rejects %j', (input, message) => {
    expect(() => validateRetention(input)).toThrow(ValidationError);
    expect(() => validateRetention(input)).toThrow(message);
  });

  it('names a nested field', () => {
    expect(() => validateRetention({ type: 'keep_last', count: 0 }, 'destinations[1].retention')).toThrow(
      /^destinations\[1\]\.retention\.count: /,
    );
  });
});

describe('describeRetention', () => {
  it.each<[RetentionPolicy, string]>([
    [{ type: 'none' }, 'Keep all'],
    [{ type: 'keep_last', count: 1 }, 'Keep the last backup'],
    [{ type: 'keep_last', count: 7 }, 'Keep the last 7'],
    [gfs(7, 4, 12, 0), '7 daily, 4 weekly, 12 monthly'],
  ])('%j → %s', (policy, expected) => {
    expect(describeRetention(policy)).toBe(expected);
  });
});
