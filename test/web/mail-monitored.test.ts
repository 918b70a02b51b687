import { describe, expect, it } from 'vitest';
import {
  absolutePingUrl,
  curlExamples,
  deleteWarning,
  effectiveStatus,
  extrasFromSearch,
  extrasToSearch,
  groupByCustomer,
  jobsPathWithExtras,
  wrapperExample,
} from '../../web/src/features/monitored/monitored-logic.js';

const job = (id: number, customerId: number, customer: string) => ({
  id,
  customer: { id: customerId, name: customer },
});

describe('monitored jobs view logic', () => {
  it('groups jobs by customer: customers by name, jobs in the server order', () => {
    const groups = groupByCustomer([
      job(1, 2, 'globex'),
      job(2, 1, 'Acme'),
      job(3, 2, 'globex'),
      job(4, 3, 'Zeta'),
      job(5, 1, 'Acme'),
    ]);
    expect(groups.map((g) => [g.customer.name, g.jobs.map((j) => j.id)])).toEqual([
      ['Acme', [2, 5]],
      ['globex', [1, 3]],
      ['Zeta', [4]],
    ]);
    expect(groupByCustomer([])).toEqual([]);
  });

  it('keeps two customers of the same name apart', () => {
    const groups = groupByCustomer([job(1, 7, 'Acme'), job(2, 3, 'Acme')]);
    expect(groups.map((g) => g.customer.id)).toEqual([3, 7]);
  });

  it('reads kind, grouping and archived from the URL, grouping monitored jobs by default', () => {
    expect(extrasFromSearch(new URLSearchParams(''))).toEqual({ kind: 'backup', grouped: false, archived: false });
    expect(extrasFromSearch(new URLSearchParams('kind=monitored'))).toEqual({
      kind: 'monitored',
      grouped: true,
      archived: false,
    });
    expect(extrasFromSearch(new URLSearchParams('kind=monitored&group=0&archived=1'))).toEqual({
      kind: 'monitored',
      grouped: false,
      archived: true,
    });
    expect(extrasFromSearch(new URLSearchParams('kind=system')).kind).toBe('backup');
  });

  it('writes only what differs from the defaults, next to the common filters', () => {
    const base = new URLSearchParams('q=nightly');
    expect(extrasToSearch(base, { kind: 'backup', grouped: false, archived: false }).toString()).toBe('q=nightly');
    expect(extrasToSearch(base, { kind: 'monitored', grouped: true, archived: false }).toString()).toBe(
      'q=nightly&kind=monitored',
    );
    expect(extrasToSearch(base, { kind: 'monitored', grouped: false, archived: true }).toString()).toBe(
      'q=nightly&kind=monitored&group=0&archived=1',
    );
    expect(base.toString()).toBe('q=nightly');
  });

  it('asks the API for the kind, and for archived jobs only when asked', () => {
    const f = { sort: 'name', order: 'asc', page: 2, statuses: ['failed'], q: ' x ', customerId: '3' };
    expect(jobsPathWithExtras(f, { kind: 'monitored', archived: false }, 50)).toBe(
      '/api/jobs?kind=monitored&sort=name&order=asc&page=2&pageSize=50&status=failed&q=x&customerId=3',
    );
    expect(
      jobsPathWithExtras({ ...f, statuses: [], q: '', customerId: null }, { kind: 'backup', archived: true }, 50),
    ).toBe('/api/jobs?kind=backup&sort=name&order=asc&page=2&pageSize=50&archived=true');
  });

  it('completes relative ping URLs and shows curl calls for success, start and failure', () => {
    expect(absolutePingUrl('/ping/abc', 'https://kw.example/')).toBe('https://kw.example/ping/abc');
    expect(absolutePingUrl('http://kw:8080/ping/abc', 'https://other')).toBe('http://kw:8080/ping/abc');
    const ex = curlExamples('https://kw.example/ping/abc/');
    expect(ex.map((e) => e.command)).toEqual([
      'curl -fsS -m 10 --retry 3 https://kw.example/ping/abc',
      'curl -fsS -m 10 --retry 3 https://kw.example/ping/abc/start',
      'curl -fsS -m 10 --retry 3 --data-raw "$OUTPUT" https://kw.example/ping/abc/fail',
    ]);
    const wrapper = wrapperExample('https://kw.example/ping/abc', 'backup.sh');
    expect(wrapper).toContain('if OUTPUT=$(backup.sh 2>&1); then');
    expect(wrapper.split('\n')[0]).toBe('curl -fsS -m 10 --retry 3 https://kw.example/ping/abc/start');
  });

  it('shows the status a run counts as, and what deleting a job does', () => {
    expect(effectiveStatus({ status: 'failed' })).toBe('failed');
    expect(effectiveStatus({ status: 'failed', effectiveStatus: 'success' })).toBe('success');
    const warning = deleteWarning('Nightly');
    expect(warning).toContain('runs, remarks and tickets');
    expect(warning).toContain('back to the Inbox');
  });
});
