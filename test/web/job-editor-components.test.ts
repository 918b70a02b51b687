// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { useForm } from '@mantine/form';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createElement as h, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { emptyValues, type JobFormValues } from '../../web/src/features/jobs/job-form.js';
import { DEFAULT_FILTERS, type JobsFilters } from '../../web/src/features/jobs/jobs-filters.js';
import { JobsFilterBar } from '../../web/src/features/jobs/JobsFilterBar.js';
import { ScheduleField } from '../../web/src/features/jobs/ScheduleField.js';
import { setUpComponentTests } from './dom-setup.js';

vi.mock('../../web/src/lib/core.js', () => import('./core-for-tests.js'));

setUpComponentTests();

const wrap = (child: ReactNode) =>
  h(
    QueryClientProvider,
    { client: new QueryClient({ defaultOptions: { queries: { retry: false } } }) },
    h(MantineProvider, null, child),
  );

function Schedule({ initial }: { initial: Partial<JobFormValues> }) {
  const form = useForm<JobFormValues>({ initialValues: { ...emptyValues('Europe/Paris', '1'), ...initial } });
  return h(ScheduleField, { form, defaultTimezone: 'UTC' });
}

describe('ScheduleField', () => {
  it('shows the plain reading of the cron expression under it while typing, and the problem when invalid', async () => {
    render(wrap(h(Schedule, { initial: { scheduleType: 'cron', cronExpression: '0 2 * * *' } })));
    const input = screen.getByLabelText('Cron expression');
    expect(screen.getByText('Every day at 02:00 (Europe/Paris)')).toBeTruthy();
    // The reading describes the input (aria-describedby), so screen readers hear it too.
    const describedBy = input.getAttribute('aria-describedby') ?? '';
    expect(describedBy.split(' ').some((id) => document.getElementById(id)?.textContent?.includes('02:00'))).toBe(true);

    fireEvent.change(input, { target: { value: '30 6 * * 1-5' } });
    await waitFor(() => expect(screen.getByText('Mon–Fri at 06:30 (Europe/Paris)')).toBeTruthy());

    fireEvent.change(input, { target: { value: '0 25 * * *' } });
    await waitFor(() =>
      expect(screen.getByText("'0 25 * * *' is not a valid cron expression: hour must be 0–23")).toBeTruthy(),
    );
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('reads days and times of a weekly schedule', () => {
    render(wrap(h(Schedule, { initial: { scheduleType: 'weekly', days: ['sat', 'sun'], times: ['09:00', '21:15'] } })));
    expect(screen.getByText('Sat, Sun at 09:00 and 21:15 (Europe/Paris)')).toBeTruthy();
    expect(screen.getByRole('radiogroup', { name: 'Schedule' })).toBeTruthy();
  });

  it('says when a weekly schedule has no day', () => {
    render(wrap(h(Schedule, { initial: { scheduleType: 'weekly', days: [], times: ['09:00'] } })));
    expect(screen.getByText('Days must list at least one day')).toBeTruthy();
  });
});

describe('JobsFilterBar', () => {
  const customers = { items: [{ id: 3, name: 'Acme', slug: 'acme', active: true, timezone: null }], total: 1 };

  it('toggles status chips and debounces the search text into the filters', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify(customers), { headers: { 'content-type': 'application/json' } })),
    );
    const changes: JobsFilters[] = [];
    const { rerender } = render(
      wrap(h(JobsFilterBar, { filters: { ...DEFAULT_FILTERS, page: 3 }, onChange: (f) => changes.push(f) })),
    );
    fireEvent.click(screen.getByRole('checkbox', { name: 'Failed' }));
    expect(changes.at(-1)).toEqual({ ...DEFAULT_FILTERS, statuses: ['failed'], page: 1 });

    rerender(
      wrap(
        h(JobsFilterBar, {
          filters: { ...DEFAULT_FILTERS, statuses: ['failed'] },
          onChange: (f) => changes.push(f),
        }),
      ),
    );
    fireEvent.click(screen.getByRole('checkbox', { name: 'Running' }));
    expect(changes.at(-1)?.statuses).toEqual(['failed', 'running']);

    const count = changes.length;
    vi.useFakeTimers();
    try {
      fireEvent.change(screen.getByLabelText('Search jobs'), { target: { value: 'nig' } });
      fireEvent.change(screen.getByLabelText('Search jobs'), { target: { value: 'night' } });
      expect(changes.length).toBe(count);
      await act(async () => {
        vi.advanceTimersByTime(350);
      });
    } finally {
      vi.useRealTimers();
    }
    expect(changes.length).toBe(count + 1);
    expect(changes.at(-1)).toMatchObject({ q: 'night', statuses: ['failed'], page: 1 });
    vi.unstubAllGlobals();
  });
});
