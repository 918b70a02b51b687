import { ActionIcon, Anchor, Button, Group, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import { post } from '../../api/client';
import type { Run, User } from '../../api/types';
import { can } from '../auth/session';
import { downloadUrl, type BackupWithMeta } from './backup-meta';

export interface BackupActionHandlers {
  onDetails: (b: BackupWithMeta) => void;
  onRestore: (b: BackupWithMeta) => void;
  onDelete: (b: BackupWithMeta) => void;
}

/**
 * The row buttons of one backup, by role: everyone sees the details and the raw download;
 * operators also download decrypted, verify, pin and restore; admins delete.
 */
export function BackupActions({
  backup,
  user,
  ...h
}: { backup: BackupWithMeta; user: User | null | undefined } & BackupActionHandlers) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const verify = useMutation({
    mutationFn: () => post<Run>(`/api/backups/${backup.id}/verify`),
    onSuccess: (run) => {
      void qc.invalidateQueries({ queryKey: ['runs'] });
      notifications.show({
        title: `Verification of backup #${backup.id} queued`,
        message: (
          // The notification lives outside the router: navigate through this page's hook.
          <Anchor
            href={`/runs/${run.id}`}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/runs/${run.id}`);
            }}
          >
            Open run #{run.id}
          </Anchor>
        ),
      });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Verify', message: err.message }),
  });
  const pin = useMutation({
    mutationFn: () => post(`/api/backups/${backup.id}/${backup.pinned ? 'unpin' : 'pin'}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['backups'] }),
    onError: (err) => notifications.show({ color: 'red', message: err.message }),
  });

  const operator = can(user, 'write');
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label="Details">
        <ActionIcon variant="subtle" aria-label="Details" onClick={() => h.onDetails(backup)}>
          <IconInfoCircle size={18} />
        </ActionIcon>
      </Tooltip>
      {operator && (
        <Button
          component="a"
          href={downloadUrl(backup)}
          download
          role="button"
          size="compact-xs"
          variant="light"
          title="The original dump: decrypted and decompressed"
        >
          Download
        </Button>
      )}
      <Button
        component="a"
        href={downloadUrl(backup, true)}
        download
        role="button"
        size="compact-xs"
        variant="default"
        title="The stored file as it is (compressed, encrypted)"
      >
        Download raw
      </Button>
      {operator && (
        <>
          <Button size="compact-xs" variant="default" loading={verify.isPending} onClick={() => verify.mutate()}>
            Verify
          </Button>
          <Button size="compact-xs" variant="default" loading={pin.isPending} onClick={() => pin.mutate()}>
            {backup.pinned ? 'Unpin' : 'Pin'}
          </Button>
          <Button size="compact-xs" variant="light" color="orange" onClick={() => h.onRestore(backup)}>
            Restore
          </Button>
        </>
      )}
      {can(user, 'admin') && (
        <Tooltip label="Pinned backups cannot be deleted: unpin it first" disabled={!backup.pinned}>
          <Button
            size="compact-xs"
            variant="subtle"
            color="red"
            // Stays focusable (so the tooltip explains) but does nothing while pinned.
            data-disabled={backup.pinned || undefined}
            aria-disabled={backup.pinned || undefined}
            onClick={(e) => (backup.pinned ? e.preventDefault() : h.onDelete(backup))}
          >
            Delete
          </Button>
        </Tooltip>
      )}
    </Group>
  );
}
