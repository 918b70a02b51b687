// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement as h, type ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { MonitoredJob, RunCheckJob } from '../../web/src/api/types.js';
import { RunStatusChip } from '../../web/src/components/StatusChip.js';
import RunChecksPage from '../../web/src/features/run-checks/RunChecksPage.js';
import { MonitoredJobsTable } from '../../web/src/features/monitored/MonitoredJobsTable.js';
import { ReviewIndicators } from '../../web/src/features/run-checks/ReviewIndicators.js';
import { setUpComponentTests } from './dom-setup.js';

setUpComponentTests();

const wrap = (child: ReactNode, path = '/run-checks') =>
  h(
    QueryClientProvider,
    { client: new QueryClient({ defaultOptions: { queries: { retry: false } } }) },
    h(
      MantineProvider,
      null,
      h(
        MemoryRouter,
        { initialEntries: [path] },
        h(Routes, null, h(Route, { path: '/run-checks/:jobId?', element: child })),
      ),
    ),
  );

const job = (id: number, name: string, worstStatus: RunCheckJob['worstStatus'], extra: Partial<RunCheckJob> = {}) => ({
  job: { id, name, kind: 'monitored', customer: { id: 2, name: 'Contoso' }, software: 'Veeam', backupType: 'Backup' },
  unreviewed: 1,
  worstStatus,
  lastRunAt: '2026-03-01T02:00:00.000Z',
  statuses: { [worstStatus]: 1 },
  hasOpenRemark: false,
  hasOpenTicket: false,
  ...extra,
});

/** A fake server: answers by path, records the bodies of POSTs. */
function serve(routes: Record<string, unknown>, role = 'admin') {
  const posts: { path: string; body: unknown }[] = [];
  const answers: Record<string, unknown> = {
    '/api/auth/me': { user: { id: 1, username: 'ann', role, allCustomers: true, customerIds: [] } },
    '/api/settings': { timezone: 'UTC' },
    '/api/customers': { items: [{ id: 2, name: 'Contoso', slug: 'contoso', active: true, timezone: null }] },
    ...routes,
  };
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const path = url.split('?')[0]!;
      if (init?.method === 'POST') posts.push({ path, body: JSON.parse(String(init.body)) });
      const body = path in answers ? answers[path] : { error: { message: `no route ${path}` } };
      return new Response(JSON.stringify(body), {
        status: path in answers ? 200 : 404,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return posts;
}

describe('status chip and indicators', () => {
  it('shows an overridden success as the blue "Success (override)" with the original status', () => {
    render(h(MantineProvider, null, h(RunStatusChip, { status: 'success', overridden: true, original: 'failed' })));
    const badge = screen.getByText('Success (override)').closest('[data-status]')!;
    expect(badge.getAttribute('data-overridden')).toBe('true');
    expect(badge.getAttribute('data-original-status')).toBe('failed');
    expect(badge.getAttribute('aria-description')).toBe('Overridden: reported as Failed');
  });

  it('shows Expected and Missed, and the plain chip when not overridden', () => {
    render(
      h(
        MantineProvider,
        null,
        h('div', null, h(RunStatusChip, { status: 'expected' }), h(RunStatusChip, { status: 'missed' })),
      ),
    );
    expect(screen.getByText('Expected')).toBeTruthy();
    expect(screen.getByText('Missed')).toBeTruthy();
  });

  it('names the 💬 and 🎫 indicators, and shows nothing without them', () => {
    const { rerender } = render(
      h(MantineProvider, null, h(ReviewIndicators, { hasOpenRemark: true, hasOpenTicket: true })),
    );
    expect(screen.getByRole('img', { name: 'Open remark' }).textContent).toBe('💬');
    expect(screen.getByRole('img', { name: 'Open ticket' }).textContent).toBe('🎫');
    rerender(h(MantineProvider, null, h(ReviewIndicators, {})));
    expect(screen.queryByRole('img', { name: /Open (remark|ticket)/ })).toBeNull();
  });

  it('shows the indicators on the monitored jobs list, in the row of the job they belong to', () => {
    const monitored = (id: number, name: string, extra: object) =>
      ({
        id,
        kind: 'monitored',
        name,
        description: '',
        customer: { id: 2, name: 'Contoso', slug: 'contoso' },
        enabled: true,
        archived: false,
        status: 'active',
        lastRun: null,
        software: 'Veeam Backup & Replication',
        backupType: 'Backup Job',
        monitor: { feed: 'email', sender: 'veeam@contoso.test', jobName: name, subjectPattern: '', pingUrl: null },
        learnedSchedule: null,
        ...extra,
      }) as unknown as MonitoredJob;
    render(
      h(
        QueryClientProvider,
        { client: new QueryClient() },
        h(
          MantineProvider,
          null,
          h(
            MemoryRouter,
            null,
            h(MonitoredJobsTable, {
              jobs: [monitored(1, 'Daily VMs', { hasOpenRemark: true }), monitored(2, 'File servers', {})],
              sort: 'name',
              order: 'asc',
              onSort: () => undefined,
              grouped: true,
              user: null,
            }),
          ),
        ),
      ),
    );
    const rows = screen.getAllByRole('row').filter((r) => r.getAttribute('data-job'));
    const byName = (n: string) => rows.find((r) => r.getAttribute('data-job') === n)!;
    expect(within(byName('Daily VMs')).getByRole('img', { name: 'Open remark' })).toBeTruthy();
    expect(within(byName('File servers')).queryByRole('img', { name: /Open (remark|ticket)/ })).toBeNull();
  });
});

describe('Run Checks page', () => {
  it('lists jobs failed first with the count, and reviews the selected ones in bulk', async () => {
    const posts = serve({
      '/api/run-checks': {
        remaining: 3,
        // Out of order on purpose: the page keeps failed and missed first.
        items: [
          job(5, 'Files', 'warning'),
          job(4, 'SQL', 'failed', { unreviewed: 2, hasOpenRemark: true }),
          job(6, 'Exchange', 'success'),
        ],
        total: 3,
        page: 1,
        pageSize: 200,
      },
      '/api/run-checks/review': { reviewed: 2 },
    });
    render(wrap(h(RunChecksPage)));
    await screen.findByText('3 runs to review');
    const table = screen.getByRole('table', { name: 'Jobs to review' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('link').textContent)).toEqual(['SQL', 'Files', 'Exchange']);
    expect(within(rows[0]!).getByRole('img', { name: 'Open remark' })).toBeTruthy();
    expect(within(rows[0]!).getByText('Failed')).toBeTruthy();
    expect(within(rows[0]!).getByRole('link', { name: 'SQL' }).getAttribute('href')).toBe('/run-checks/4');

    const bulk = screen.getByRole('button', { name: 'Mark selected as reviewed' });
    expect(bulk.hasAttribute('disabled')).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select SQL' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select Exchange' }));
    await waitFor(() => expect(bulk.hasAttribute('disabled')).toBe(false));
    fireEvent.click(bulk);
    await waitFor(() => expect(posts).toEqual([{ path: '/api/run-checks/review', body: { jobIds: [4, 6] } }]));
  });

  it('says "All runs reviewed" when nothing is left', async () => {
    serve({ '/api/run-checks': { remaining: 0, items: [], total: 0, page: 1, pageSize: 200 } });
    render(wrap(h(RunChecksPage)));
    expect(await screen.findByRole('heading', { name: 'All runs reviewed' })).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Jobs to review' })).toBeNull();
  });

  it('tells viewers that reviewing is for operators and admins, without asking the server', async () => {
    serve({}, 'viewer');
    render(wrap(h(RunChecksPage)));
    expect(await screen.findByText(/Reviewing runs is for operators and admins/)).toBeTruthy();
    const calls = (globalThis.fetch as unknown as { mock: { calls: [string][] } }).mock.calls.map((c) => c[0]);
    expect(calls.some((u) => u.startsWith('/api/run-checks'))).toBe(false);
  });
});
