import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconCheck, IconPlus, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { del, post } from '../../api/client';
import type { Resource } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';
import { DeleteAction, EditAction } from '../../components/IconAction';
import { can, useMe } from '../auth/session';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useCustomers, useResources } from './queries';
import { kindDef } from './resource-kinds';
import { ResourceFormModal, type ResourceNoun } from './ResourceFormModal';

export interface ResourceTabProps extends ResourceNoun {
  /** "New source" */
  newLabel: string;
  /** Per-row check: "Test connection" for sources, "Send test" for channels. */
  test?: { label: string; path: string };
}

interface TestResult {
  ok: boolean;
  message: string;
}

/** Sources, destinations and notification channels: a table, a form modal, delete, test. */
export function ResourceTab(props: ResourceTabProps) {
  const { type, noun, newLabel, test } = props;
  const qc = useQueryClient();
  const me = useMe();
  const writable = can(me.data, 'write');
  const list = useResources(type);
  const customers = useCustomers();
  const [editing, setEditing] = useState<Resource | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [deleting, setDeleting] = useState<Resource | null>(null);
  const [results, setResults] = useState<Record<number, TestResult>>({});

  const runTest = useMutation({
    mutationFn: (r: Resource) =>
      post<{ ok?: boolean; message?: string; serverVersion?: string }>(`/api/${type}/${r.id}/${test?.path}`),
    onSuccess: (res, r) => {
      const ok = res.ok !== false;
      const version = res.serverVersion && !res.message?.includes(res.serverVersion) ? res.serverVersion : '';
      const message = [res.message, version].filter(Boolean).join(' — ') || (ok ? 'sent' : 'no answer');
      setResults((m) => ({ ...m, [r.id]: { ok, message } }));
    },
    onError: (err, r) => setResults((m) => ({ ...m, [r.id]: { ok: false, message: err.message } })),
  });

  const customerName = (id: number) => customers.data?.find((c) => c.id === id)?.name ?? `#${id}`;
  const open = (r: Resource | null) => {
    setEditing(r);
    setFormOpen(true);
  };

  return (
    <Stack>
      {writable && (
        <Group>
          <Button leftSection={<IconPlus size={16} />} onClick={() => open(null)}>
            {newLabel}
          </Button>
        </Group>
      )}
      <ListState error={list.error} loading={list.isLoading} empty={!list.data?.length} emptyText={`No ${noun}s yet.`}>
        <DataTable
          minWidth={720}
          striped
          highlightOnHover
          verticalSpacing="sm"
          head={['Name', 'Type', 'Customer', 'Settings', 'Actions']}
        >
          {(list.data ?? []).map((r) => {
            const def = kindDef(type, r.kind);
            const result = results[r.id];
            const testing = runTest.isPending && runTest.variables?.id === r.id;
            return (
              <Table.Tr key={r.id}>
                <Table.Td fw={500}>{r.name}</Table.Td>
                <Table.Td>{def?.label ?? r.kind}</Table.Td>
                <Table.Td>{customerName(r.customerId)}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                    {def?.summary(r.config) ?? ''}
                  </Text>
                  {Object.values(r.hasSecret).some(Boolean) && (
                    <Badge size="xs" variant="outline" color="gray">
                      credentials stored
                    </Badge>
                  )}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {test && writable && (
                      <Button size="xs" variant="light" loading={testing} onClick={() => runTest.mutate(r)}>
                        {test.label}
                      </Button>
                    )}
                    {writable && (
                      <>
                        <EditAction label={`Edit ${r.name}`} onClick={() => open(r)} />
                        <DeleteAction label={`Delete ${r.name}`} onClick={() => setDeleting(r)} />
                      </>
                    )}
                  </Group>
                  {result && (
                    <Group gap={4} mt={4} wrap="nowrap" role="status">
                      {result.ok ? <IconCheck size={14} color="green" /> : <IconX size={14} color="red" />}
                      <Text size="xs" c={result.ok ? 'green' : 'red'}>
                        {result.ok ? 'OK' : 'Failed'}: {result.message}
                      </Text>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </DataTable>
      </ListState>
      <ResourceFormModal what={props} resource={editing} opened={formOpen} onClose={() => setFormOpen(false)} />
      <ConfirmModal
        opened={!!deleting}
        title={`Delete ${noun}`}
        confirmLabel={`Delete ${noun}`}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await del(`/api/${type}/${deleting!.id}`);
          await qc.invalidateQueries({ queryKey: [type] });
        }}
      >
        Delete the {noun} <b>{deleting?.name}</b>? Jobs that use it must be changed first.
      </ConfirmModal>
    </Stack>
  );
}
