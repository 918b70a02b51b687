// @vitest-environment happy-dom
import { MantineProvider, Table } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createElement as h, type ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ConfirmModal } from '../../web/src/components/ConfirmModal.js';
import { ActionsHeader, DataTable, ListState } from '../../web/src/components/DataTable.js';
import { EditModal } from '../../web/src/components/FormModal.js';
import { ObjectsTable } from '../../web/src/components/ObjectsTable.js';
import { setUpComponentTests } from './dom-setup.js';

setUpComponentTests();

const wrap = (child: ReactNode) =>
  h(QueryClientProvider, { client: new QueryClient() }, h(MantineProvider, { env: 'test' }, child));

describe('DataTable', () => {
  it('heads plain, conditional and given header cells, then the rows', () => {
    const hidden = false as boolean;
    render(
      wrap(
        h(DataTable, {
          minWidth: 600,
          'aria-label': 'Things',
          head: ['Name', hidden && 'Hidden', h(Table.Th, { miw: 100 }, 'Status'), h(ActionsHeader)],
          children: h(Table.Tr, null, h(Table.Td, null, 'a'), h(Table.Td, null, 'ok'), h(Table.Td, null, '')),
        }),
      ),
    );
    const table = screen.getByRole('table', { name: 'Things' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((c) => c.textContent),
    ).toEqual(['Name', 'Status', 'Actions']);
    expect(within(table).getByRole('cell', { name: 'a' })).toBeTruthy();
  });
});

describe('ListState', () => {
  const list = (p: Partial<Parameters<typeof ListState>[0]>) =>
    render(wrap(h(ListState, { loading: false, emptyText: 'Nothing yet.', ...p, children: h('p', null, 'the list') })));

  it('shows the error above the list', () => {
    list({ error: new Error('boom') });
    expect(screen.getByRole('alert').textContent).toContain('boom');
    expect(screen.getByText('the list')).toBeTruthy();
  });

  it('shows the empty text instead of an empty list, and nothing of it while loading', () => {
    list({ empty: true });
    expect(screen.getByText('Nothing yet.')).toBeTruthy();
    expect(screen.queryByText('the list')).toBeNull();
  });

  it('shows neither the list nor the empty text while loading', () => {
    list({ loading: true, empty: true });
    expect(screen.queryByText('Nothing yet.')).toBeNull();
    expect(screen.queryByText('the list')).toBeNull();
  });
});

describe('ConfirmModal', () => {
  const confirm = (onConfirm: () => Promise<unknown>) => {
    const onClose = vi.fn();
    const onDone = vi.fn();
    render(
      wrap(
        h(ConfirmModal, {
          opened: true,
          title: 'Delete x?',
          confirmLabel: 'Delete x',
          onConfirm,
          onClose,
          onDone,
          children: 'It goes for good.',
        }),
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Delete x' }));
    return { onClose, onDone };
  };

  it('closes, then reports done, when the action succeeds', async () => {
    const { onClose, onDone } = confirm(async () => undefined);
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(onClose.mock.invocationCallOrder[0]!).toBeLessThan(onDone.mock.invocationCallOrder[0]!);
  });

  it('stays open and says why when the action fails', async () => {
    const { onClose, onDone } = confirm(async () => {
      throw new Error('used by job nightly');
    });
    expect((await screen.findByRole('alert')).textContent).toContain('used by job nightly');
    expect(onClose).not.toHaveBeenCalled();
    expect(onDone).not.toHaveBeenCalled();
  });
});

describe('ObjectsTable', () => {
  const objects = [{ name: 'vm01', type: 'VM', status: 'failed' as const, message: 'Snapshot failed' }];

  it('lists the objects under the given first heading', () => {
    render(wrap(h(ObjectsTable, { objects, label: 'Objects of run #3', nameHeader: 'Object' })));
    const table = screen.getByRole('table', { name: 'Objects of run #3' });
    expect(within(table).getAllByRole('columnheader')[0]!.textContent).toBe('Object');
    expect(within(table).getByText('Snapshot failed')).toBeTruthy();
  });

  it('says the report lists none, or nothing when told so', () => {
    const { unmount } = render(wrap(h(ObjectsTable, { objects: [] })));
    expect(screen.getByText('The report lists no objects.')).toBeTruthy();
    unmount();
    render(wrap(h(ObjectsTable, { objects: [], empty: null })));
    expect(screen.queryByText('The report lists no objects.')).toBeNull();
  });
});

describe('EditModal', () => {
  const form = (record: { id: number; name: string } | null) => h('p', null, record ? `editing ${record.name}` : 'new');

  it('hands the form the record being edited, or null for a new one, and is closed without one', () => {
    const modal = (editing: { id: number; name: string } | 'new' | null) =>
      wrap(
        h(EditModal<{ id: number; name: string }>, { editing, onClose: () => {}, title: 'Customer', children: form }),
      );
    const { rerender } = render(modal('new'));
    expect(screen.getByText('new')).toBeTruthy();
    rerender(modal({ id: 4, name: 'Contoso' }));
    expect(screen.getByText('editing Contoso')).toBeTruthy();
    rerender(modal(null));
    expect(screen.queryByText('editing Contoso')).toBeNull();
  });
});
