import { describe, expect, it } from 'vitest';
import {
  filterCustomers,
  hasNoJobs,
  importSummary,
  jobBreakdown,
} from '../../web/src/features/customers/customers-logic.js';

const customer = (name: string, total?: number) => ({
  id: 1,
  name,
  slug: name.toLowerCase().replace(/\W+/g, '-'),
  active: true,
  timezone: null,
  ...(total === undefined ? {} : { jobCounts: { backup: 0, monitored: total, system: 0, total } }),
});

describe('customers view logic', () => {
  it('marks customers without jobs (red count), not those whose counts are unknown', () => {
    expect(hasNoJobs(customer('Acme', 0))).toBe(true);
    expect(hasNoJobs(customer('Acme', 2))).toBe(false);
    expect(hasNoJobs(customer('Acme'))).toBe(false);
  });

  it('breaks the job count down by kind, leaving zeros out', () => {
    expect(jobBreakdown({ backup: 1, monitored: 2, system: 0, total: 3 })).toBe('2 monitored · 1 backup');
    expect(jobBreakdown({ backup: 0, monitored: 0, system: 0, total: 0 })).toBe('');
    expect(jobBreakdown(undefined)).toBe('');
  });

  it('summarises a CSV import; with errors nothing was imported', () => {
    expect(importSummary({ created: 2, updated: 1, errors: [] })).toBe('2 created, 1 updated');
    expect(importSummary({ created: 0, updated: 0, errors: [{ line: 3, message: 'x' }] })).toBe(
      'Nothing imported: 1 line has an error',
    );
    expect(
      importSummary({
        created: 0,
        updated: 0,
        errors: [
          { line: 2, message: 'x' },
          { line: 4, message: 'y' },
        ],
      }),
    ).toBe('Nothing imported: 2 lines have errors');
  });

  it('filters by any part of the name or slug, case-insensitively', () => {
    const list = [customer('Acme Corp'), customer('Globex'), customer('Initech')];
    expect(filterCustomers(list, 'CME').map((c) => c.name)).toEqual(['Acme Corp']);
    expect(filterCustomers(list, 'acme-c').map((c) => c.name)).toEqual(['Acme Corp']);
    expect(filterCustomers(list, '  ')).toHaveLength(3);
  });
});
