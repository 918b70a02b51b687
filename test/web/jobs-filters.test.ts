import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTERS,
  filtersFromSearch,
  filtersToSearch,
  jobsApiPath,
  toggleSort,
  withFilter,
  type JobsFilters,
} from '../../web/src/features/jobs/jobs-filters.js';

const f = (change: Partial<JobsFilters> = {}): JobsFilters => ({ ...DEFAULT_FILTERS, ...change });

describe('jobs list filters → query strings', () => {
  it('asks the API for backup jobs, sorted and paged, leaving empty filters out', () => {
    expect(jobsApiPath(f())).toBe('/api/jobs?kind=backup&sort=name&order=asc&page=1&pageSize=50');
    expect(
      jobsApiPath(
        f({ q: '  night ', statuses: ['active', 'failed'], customerId: '3', sort: 'lastRun', order: 'desc', page: 2 }),
      ),
    ).toBe(
      '/api/jobs?kind=backup&sort=lastRun&order=desc&page=2&pageSize=50&status=active%2Cfailed&q=night&customerId=3',
    );
    expect(jobsApiPath(f({ q: '   ' }), 10)).toBe('/api/jobs?kind=backup&sort=name&order=asc&page=1&pageSize=10');
  });

  it('keeps the filters in the page URL, defaults left out, and reads them back', () => {
    expect(filtersToSearch(f()).toString()).toBe('');
    const filters = f({ q: 'db', statuses: ['running'], customerId: '7', sort: 'nextRun', order: 'asc', page: 3 });
    const search = filtersToSearch(filters);
    expect(search.toString()).toBe('q=db&status=running&customer=7&sort=nextRun&order=asc&page=3');
    expect(filtersFromSearch(search)).toEqual(filters);
    expect(filtersToSearch(f({ order: 'desc' })).toString()).toBe('sort=name&order=desc');
  });

  it('ignores what it does not know in a hand-edited URL', () => {
    expect(
      filtersFromSearch(new URLSearchParams('status=active,bogus,failed&sort=size&order=up&page=-4&customer=x')),
    ).toEqual(f({ statuses: ['active', 'failed'] }));
    expect(filtersFromSearch(new URLSearchParams('page=2.5')).page).toBe(1);
  });

  it('a header click flips the order of the same column or sorts by another, back to page 1', () => {
    const byName = f({ page: 4 });
    expect(toggleSort(byName, 'name')).toEqual(f({ order: 'desc', page: 1 }));
    expect(toggleSort(f({ order: 'desc' }), 'name').order).toBe('asc');
    expect(toggleSort(byName, 'status')).toEqual(f({ sort: 'status', order: 'asc' }));
    // Most recent first is what people want from "last run".
    expect(toggleSort(byName, 'lastRun')).toEqual(f({ sort: 'lastRun', order: 'desc' }));
  });

  it('any filter change goes back to the first page', () => {
    expect(withFilter(f({ page: 5, sort: 'customer' }), { statuses: ['failed'] })).toEqual(
      f({ statuses: ['failed'], sort: 'customer' }),
    );
  });
});
