// @vitest-environment happy-dom
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createElement as h } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it, vi } from 'vitest';
import type { Job, User } from '../../web/src/api/types.js';
import { JobActionsMenu } from '../../web/src/features/jobs/JobActionsMenu.js';
import { setUpComponentTests } from './dom-setup.js';

setUpComponentTests();

const admin = { id: 1, username: 'admin', role: 'admin', allCustomers: true, customerIds: [] } as unknown as User;
const job = (archived: boolean) =>
  ({
    id: 5,
    name: 'shop-db',
    kind: 'backup',
    enabled: true,
    archived,
    status: archived ? 'archived' : 'active',
  }) as Job;

function renderMenu(j: Job) {
  const fetch = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify({ ...j, archived: false }), { headers: { 'content-type': 'application/json' } }),
  );
  vi.stubGlobal('fetch', fetch);
  render(
    h(
      QueryClientProvider,
      { client: new QueryClient() },
      h(MantineProvider, { env: 'test' }, h(MemoryRouter, null, h(JobActionsMenu, { job: j, user: admin }))),
    ),
  );
  fireEvent.click(screen.getByRole('button', { name: 'Actions for shop-db' }));
  return fetch;
}

describe('JobActionsMenu of a managed backup job', () => {
  it('offers Unarchive (and no Archive or Run now) for an archived job, and posts it', async () => {
    const fetch = renderMenu(job(true));
    expect(screen.queryByRole('menuitem', { name: 'Archive' })).toBeNull();
    expect(screen.queryByRole('menuitem', { name: 'Run now' })).toBeNull();
    fireEvent.click(await screen.findByRole('menuitem', { name: 'Unarchive' }));
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(fetch.mock.calls[0]![0]).toBe('/api/jobs/5/unarchive');
    expect(fetch.mock.calls[0]![1]?.method).toBe('POST');
  });

  it('offers Archive, not Unarchive, for an active job', async () => {
    renderMenu(job(false));
    await screen.findByRole('menuitem', { name: 'Archive' });
    expect(screen.queryByRole('menuitem', { name: 'Unarchive' })).toBeNull();
    expect(screen.getByRole('menuitem', { name: 'Run now' })).toBeTruthy();
  });
});
