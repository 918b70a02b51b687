import { Menu } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCopy, IconPencil, IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import type { Job, User } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ArchiveMenuItem, DeleteMenuItem, RowMenu } from '../../components/RowMenu';
import { can } from '../auth/session';
import { useJobActions } from './use-job-actions';

/**
 * The per-job menu (list rows and the job page): run now, edit, duplicate, enable/disable,
 * archive (unarchive for an archived job), delete. Items the user's role does not allow are not shown at all.
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
      <RowMenu name={job.name}>
        {canRun && withRunAndEdit && !job.archived && (
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
            <ArchiveMenuItem
              archived={job.archived}
              onClick={() =>
                job.archived ? void actions.unarchive(job) : void actions.archive(job).then((r) => r && onGone?.())
              }
            />
            <DeleteMenuItem onClick={confirm.open} />
          </>
        )}
      </RowMenu>
      <ConfirmModal
        opened={confirming}
        title={`Delete ${job.name}?`}
        confirmLabel="Delete job"
        focusConfirm={false}
        onConfirm={() => actions.remove(job)}
        onClose={confirm.close}
        onDone={onGone}
      >
        The job and its schedule are removed. Stored backups are kept: you can still download and restore them from
        Backups, and its runs stay in History.
      </ConfirmModal>
    </>
  );
}
