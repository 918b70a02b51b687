import { Anchor, Group, Select, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconLock, IconLockOpen, IconPinFilled } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { del, get, qs } from '../../api/client';
import type { Page } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';
import { RelativeTime } from '../../components/RelativeTime';
import { formatBytes, formatDateTime } from '../../components/format';
import { can, useMe } from '../auth/session';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useResources } from '../settings/queries';
import { BackupActions } from './BackupActions';
import { BackupDetailsDrawer } from './BackupDetailsDrawer';
import type { BackupWithMeta } from './backup-meta';
import { RestoreBackupModal } from './RestoreModal';

/** Storage explorer: the stored backups, per destination, with their actions. */
export default function BackupsPage() {
  const me = useMe();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const destinationId = params.get('destination') ?? 'all';
  const destinations = useResources('destinations');
  const backups = useQuery({
    queryKey: ['backups', { destinationId }],
    queryFn: () =>
      get<Page<BackupWithMeta>>(
        `/api/backups${qs({ destinationId: destinationId === 'all' ? undefined : destinationId })}`,
      ),
  });
  const [details, setDetails] = useState<BackupWithMeta | null>(null);
  const [restoring, setRestoring] = useState<BackupWithMeta | null>(null);
  const [deleting, setDeleting] = useState<BackupWithMeta | null>(null);

  const destinationOptions = [
    { value: 'all', label: 'All' },
    ...(destinations.data ?? []).map((d) => ({ value: String(d.id), label: d.name })),
  ];
  const items = backups.data?.items ?? [];

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Backups</Title>
        <Select
          label="Destination"
          // No hidden options list labelled like the input while closed (one match per label).
          comboboxProps={{ keepMounted: false }}
          data={destinationOptions}
          value={destinationId}
          allowDeselect={false}
          onChange={(v) => setParams(v && v !== 'all' ? { destination: v } : {}, { replace: true })}
          w={{ base: '100%', xs: 260 }}
        />
      </Group>
      <ListState
        error={backups.error}
        loading={backups.isLoading}
        empty={!items.length}
        emptyText={`No stored backups${destinationId === 'all' ? '' : ' on this destination'}.`}
      >
        <DataTable
          minWidth={1040}
          striped
          highlightOnHover
          verticalSpacing="xs"
          horizontalSpacing={6}
          style={{ whiteSpace: 'nowrap' }}
          head={['Job', 'Created', 'Size', 'Compression', 'Encrypted', 'Pinned', 'Verified', 'Actions']}
        >
          {items.map((b) => (
            <Table.Tr key={b.id} data-backup-id={b.id}>
              <Table.Td>
                <Anchor component={Link} to={`/jobs/${b.jobId}`} fw={500}>
                  {b.jobName}
                </Anchor>
                {destinationId === 'all' && (
                  <Text size="xs" c="dimmed">
                    on {b.destination.name}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{formatDateTime(b.createdAt)}</Table.Td>
              <Table.Td>
                <Text size="sm">{formatBytes(b.size)}</Text>
                <Text size="xs" c="dimmed">
                  raw {formatBytes(b.rawSize)}
                </Text>
              </Table.Td>
              <Table.Td>{b.compression}</Table.Td>
              <Table.Td>
                <Tooltip label={b.encrypted ? `Encrypted (key ${b.keyId ?? '?'})` : 'Not encrypted'}>
                  {b.encrypted ? (
                    <IconLock size={18} role="img" aria-label="Encrypted" />
                  ) : (
                    <IconLockOpen size={18} role="img" aria-label="Not encrypted" opacity={0.5} />
                  )}
                </Tooltip>
              </Table.Td>
              <Table.Td>
                {b.pinned ? (
                  <IconPinFilled size={18} role="img" aria-label="Pinned" />
                ) : (
                  <Text size="sm" c="dimmed" aria-label="Not pinned">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <RelativeTime at={b.verifiedAt} none="never" />
              </Table.Td>
              <Table.Td>
                <BackupActions
                  backup={b}
                  user={me.data}
                  onDetails={setDetails}
                  onRestore={setRestoring}
                  onDelete={setDeleting}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>
      <BackupDetailsDrawer backup={details} onClose={() => setDetails(null)} />
      {can(me.data, 'write') && <RestoreBackupModal backup={restoring} onClose={() => setRestoring(null)} />}
      <ConfirmModal
        opened={!!deleting}
        title="Delete backup"
        confirmLabel="Delete backup"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await del(`/api/backups/${deleting!.id}`);
          await qc.invalidateQueries({ queryKey: ['backups'] });
        }}
      >
        Delete backup #{deleting?.id} of <b>{deleting?.jobName}</b> made {formatDateTime(deleting?.createdAt)} from{' '}
        <b>{deleting?.destination.name}</b>? The stored file is removed and cannot be restored any more.
      </ConfirmModal>
    </Stack>
  );
}
