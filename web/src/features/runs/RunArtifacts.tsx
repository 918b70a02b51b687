import { Alert, Badge, Button, Group, ScrollArea, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconDownload, IconLock, IconRestore } from '@tabler/icons-react';
import { useState } from 'react';
import { formatBytes, formatDateTime } from '../../components/format';
import { can, useMe } from '../auth/session';
import type { BackupWithMeta } from '../backups/backup-meta';
import { RestoreBackupModal } from '../backups/RestoreModal';
import { useBackups } from './run-queries';

/** The backups a run stored, one per destination, with download and restore. */
export function RunArtifacts({ backupIds }: { backupIds: number[] }) {
  const me = useMe();
  const results = useBackups(backupIds);
  const [restoring, setRestoring] = useState<BackupWithMeta | null>(null);
  const mayRestore = can(me.data, 'run');
  const missing = results.filter((r) => r.isError).length;

  return (
    <>
      {missing > 0 && (
        <Alert color="gray" mb="sm">
          {missing === 1 ? 'One artifact is' : `${missing} artifacts are`} no longer available (deleted by retention or
          by hand).
        </Alert>
      )}
      <ScrollArea type="auto">
        <Table striped verticalSpacing="xs" miw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Destination</Table.Th>
              <Table.Th>File</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {results.map((r, i) => {
              const b = r.data;
              if (!b) {
                return r.isLoading ? (
                  <Table.Tr key={backupIds[i]}>
                    <Table.Td colSpan={5}>
                      <Text c="dimmed" size="sm">
                        Loading backup #{backupIds[i]}…
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : null;
              }
              return (
                <Table.Tr key={b.id}>
                  <Table.Td>{b.destination.name}</Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                      {b.key}
                    </Text>
                    <Group gap={4} mt={2}>
                      <Badge size="xs" variant="outline">
                        {b.compression}
                      </Badge>
                      {b.encrypted && (
                        <Badge size="xs" variant="outline" leftSection={<IconLock size={10} />}>
                          encrypted
                        </Badge>
                      )}
                      {b.pinned && (
                        <Badge size="xs" variant="outline">
                          pinned
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {formatBytes(b.size)}
                    <Text size="xs" c="dimmed">
                      {formatBytes(b.rawSize)} raw
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateTime(b.createdAt)}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap" justify="flex-end">
                      {/* The decrypted download needs the restore right; everyone may take the stored bytes. */}
                      <Button
                        component="a"
                        href={`/api/backups/${b.id}/download${mayRestore ? '' : '?raw=true'}`}
                        download
                        role="button"
                        size="xs"
                        variant="default"
                        leftSection={<IconDownload size={14} />}
                      >
                        {mayRestore ? 'Download' : 'Download raw'}
                      </Button>
                      {mayRestore && (
                        <Button
                          size="xs"
                          variant="light"
                          leftSection={<IconRestore size={14} />}
                          onClick={() => setRestoring(b)}
                        >
                          Restore
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <RestoreBackupModal backup={restoring} onClose={() => setRestoring(null)} />
    </>
  );
}
