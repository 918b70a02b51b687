import { ActionIcon, Alert, Button, Group, Menu, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconArchive,
  IconCopy,
  IconDots,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconTrash,
} from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router-dom';
import type { Job, User } from '../../api/types';
import { can } from '../auth/session';
import { useJobActions } from './use-job-actions';

/**
 * The per-job menu (list rows and the job page): run now, edit, duplicate, enable/disable,
 * archive, delete. Items the user's role does not allow are not shown at all.
 */
export function JobActionsMenu({
  job,
  user,
  withRunAndEdit = true,
  onGone,
}: {
  job: Job;
  user: User | null | undefined;
  /** The job page has its own Run now and Edit buttons. */
  withRunAndEdit?: boolean;
  /** After delete or archive (the job page goes back to the list). */
  onGone?: () => void;
}) {
  const navigate = useNavigate();
  const actions = useJobActions();
  const [confirming, confirm] = useDisclosure(false);
  const canRun = can(user, 'run');
  const canWrite = can(user, 'write');
  if (!canRun && !canWrite) return null;
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${job.name}`}>
            <IconDots size={18} />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          {canRun && withRunAndEdit && (
            <Menu.Item leftSection={<IconPlayerPlay size={16} />} onClick={() => void actions.runNow(job)}>
              Run now
            </Menu.Item>
          )}
          {canWrite && (
            <>
              {withRunAndEdit && (
                <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => navigate(`/jobs/${job.id}/edit`)}>
                  Edit
                </Menu.Item>
              )}
              <Menu.Item leftSection={<IconCopy size={16} />} onClick={() => void actions.duplicate(job)}>
                Duplicate
              </Menu.Item>
              <Menu.Item
                leftSection={job.enabled ? <IconPlayerPause size={16} /> : <IconPlayerPlay size={16} />}
                onClick={() => void actions.setEnabled(job, !job.enabled)}
              >
                {job.enabled ? 'Disable' : 'Enable'}
              </Menu.Item>
              <Menu.Item
                leftSection={<IconArchive size={16} />}
                onClick={() => void actions.archive(job).then((r) => r && onGone?.())}
              >
                Archive
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={confirm.open}>
                Delete
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <DeleteJobModal job={job} opened={confirming} onClose={confirm.close} onDeleted={onGone} />
    </>
  );
}

function DeleteJobModal({
  job,
  opened,
  onClose,
  onDeleted,
}: {
  job: Job;
  opened: boolean;
  onClose: () => void;
  onDeleted?: (() => void) | undefined;
}) {
  const { remove } = useJobActions();
  const deletion = useMutation({
    mutationFn: () => remove(job),
    onSuccess: () => {
      onClose();
      onDeleted?.();
    },
  });
  const close = () => {
    deletion.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={`Delete ${job.name}?`}>
      <Stack>
        <Text size="sm">
          The job and its schedule are removed. Stored backups are kept: you can still download and restore them from
          Backups, and its runs stay in History.
        </Text>
        {deletion.error && (
          <Alert color="red" role="alert">
            {deletion.error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" loading={deletion.isPending} onClick={() => deletion.mutate()}>
            Delete job
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
