import { Button } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArchive, IconArchiveOff, IconPencil, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { del, post } from '../../api/client';
import type { Job, User } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ArchiveMenuItem, DeleteMenuItem, RowMenu } from '../../components/RowMenu';
import { can } from '../auth/session';
import { EditMonitoredJobModal, type EditableMonitoredJob } from './EditMonitoredJobModal';
import { deleteWarning } from './monitored-logic';

type JobRef = Pick<Job, 'id' | 'name' | 'archived'>;

/** Archive, unarchive and delete of a monitored job; every one refreshes jobs and the Inbox. */
export function useMonitoredJobActions() {
  const qc = useQueryClient();
  const refresh = () =>
    Promise.all([qc.invalidateQueries({ queryKey: ['jobs'] }), qc.invalidateQueries({ queryKey: ['inbox'] })]);
  const setArchived = async (job: JobRef, archived: boolean) => {
    try {
      const updated = await post<Job>(`/api/jobs/${job.id}/${archived ? 'archive' : 'unarchive'}`);
      notifications.show({
        color: 'green',
        title: archived ? 'Job archived' : 'Job restored from the archive',
        message: archived
          ? `${job.name} is hidden from the jobs list and daily views; its history is kept and new reports are still recorded.`
          : `${job.name} is back in the jobs list.`,
      });
      return updated;
    } catch (err) {
      notifications.show({
        color: 'red',
        title: archived ? 'Archive failed' : 'Unarchive failed',
        message: err instanceof Error ? err.message : String(err),
      });
      return null;
    } finally {
      await refresh();
    }
  };
  /** Throws, so the confirmation can say why. */
  const remove = async (job: JobRef) => {
    const result = await del<{ messagesReturned?: number } | undefined>(`/api/jobs/${job.id}`);
    const n = result?.messagesReturned;
    notifications.show({
      color: 'green',
      title: 'Job deleted',
      message:
        n === undefined
          ? `${job.name} was deleted; its report e-mails are back in the Inbox.`
          : `${job.name} was deleted; ${n} report e-mail${n === 1 ? ' is' : 's are'} back in the Inbox.`,
    });
    qc.removeQueries({ queryKey: ['jobs', 'detail', String(job.id)] });
    await refresh();
  };
  return { setArchived, remove };
}

/** The confirmation of deleting a monitored job: what goes, and that its mails return to the Inbox. */
function DeleteMonitoredJobModal({
  job,
  opened,
  onClose,
  onDeleted,
}: {
  job: JobRef;
  opened: boolean;
  onClose: () => void;
  onDeleted?: (() => void) | undefined;
}) {
  const { remove } = useMonitoredJobActions();
  return (
    <ConfirmModal
      opened={opened}
      title={`Delete ${job.name}?`}
      confirmLabel="Delete job"
      focusConfirm={false}
      onConfirm={() => remove(job)}
      onClose={onClose}
      onDone={onDeleted}
    >
      {deleteWarning(job.name)}
    </ConfirmModal>
  );
}

/** The row menu of a monitored job in the jobs list: archive/unarchive, delete. */
export function MonitoredJobMenu({
  job,
  user,
  onGone,
}: {
  job: JobRef;
  user: User | null | undefined;
  onGone?: () => void;
}) {
  const actions = useMonitoredJobActions();
  const [confirming, confirm] = useDisclosure(false);
  if (!can(user, 'write')) return null;
  return (
    <>
      <RowMenu name={job.name}>
        <ArchiveMenuItem
          archived={job.archived}
          onClick={() => void actions.setArchived(job, !job.archived).then((r) => r && onGone?.())}
        />
        <DeleteMenuItem onClick={confirm.open} />
      </RowMenu>
      <DeleteMonitoredJobModal job={job} opened={confirming} onClose={confirm.close} onDeleted={onGone} />
    </>
  );
}

/** The job page's buttons for a monitored job: Edit, Archive / Unarchive and Delete. */
export function MonitoredJobButtons({
  job,
  user,
  onDeleted,
}: {
  job: JobRef & EditableMonitoredJob;
  user: User | null | undefined;
  onDeleted: () => void;
}) {
  const actions = useMonitoredJobActions();
  const [confirming, confirm] = useDisclosure(false);
  const [editing, edit] = useDisclosure(false);
  const archive = useMutation({ mutationFn: () => actions.setArchived(job, !job.archived) });
  if (!can(user, 'write')) return null;
  return (
    <>
      <Button variant="default" leftSection={<IconPencil size={16} />} onClick={edit.open}>
        Edit
      </Button>
      <EditMonitoredJobModal job={job} opened={editing} onClose={edit.close} />
      <Button
        variant="default"
        leftSection={job.archived ? <IconArchiveOff size={16} /> : <IconArchive size={16} />}
        loading={archive.isPending}
        onClick={() => archive.mutate()}
      >
        {job.archived ? 'Unarchive' : 'Archive'}
      </Button>
      <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={confirm.open}>
        Delete
      </Button>
      <DeleteMonitoredJobModal job={job} opened={confirming} onClose={confirm.close} onDeleted={onDeleted} />
    </>
  );
}
