import { Alert, Anchor, Button, Group, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications, type NotificationData } from '@mantine/notifications';
import { IconCheck, IconRestore, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { del, post } from '../../api/client';
import type { ApproveResult, InboxItem, MailDetail, User } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { can } from '../auth/session';
import { CustomerPicker } from './CustomerPicker';
import { MailView } from './MailView';
import { useMail } from './queries';

/**
 * An Inbox message in a dialog: what the parser read, the body (sandboxed), and the actions:
 * Approve job (a customer must be chosen first), Delete (soft), Restore (admins, deleted view).
 */
export function InboxMessageModal({
  mailId,
  onClose,
  user,
  timeZone,
}: {
  mailId: number | null;
  onClose: () => void;
  user: User | null | undefined;
  timeZone: string | undefined;
}) {
  const mail = useMail(mailId);
  const subject = mail.data?.subject;
  return (
    <Modal
      opened={mailId !== null}
      onClose={onClose}
      size="80rem"
      title={subject ?? 'Message'}
      styles={{ title: { fontWeight: 600, overflowWrap: 'anywhere' } }}
    >
      {mail.error ? (
        <ErrorAlert error={mail.error} />
      ) : !mail.data ? (
        <Loader />
      ) : (
        <Stack>
          <MessageActions key={mail.data.id} mail={mail.data} user={user} onDone={onClose} />
          <MailView mail={mail.data} timeZone={timeZone} />
        </Stack>
      )}
    </Modal>
  );
}

function MessageActions({
  mail,
  user,
  onDone,
}: {
  mail: MailDetail;
  user: User | null | undefined;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const writable = can(user, 'write');
  const isAdmin = can(user, 'admin');
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: ['inbox'] }),
      qc.invalidateQueries({ queryKey: ['mail'] }),
      qc.invalidateQueries({ queryKey: ['jobs'] }),
    ]);

  /** After an action: refresh what it changed, say how it went, close the dialog. */
  const finish = async (notice: NotificationData) => {
    await refresh();
    notifications.show({ color: 'green', ...notice });
    onDone();
  };

  const approve = useMutation({
    mutationFn: () => post<ApproveResult>(`/api/inbox/${mail.id}/approve`, { customerId: Number(customerId) }),
    onSuccess: (r) => {
      const others = r.linked - 1;
      return finish({
        title: 'Job approved',
        autoClose: 10_000,
        message: (
          <Text size="sm" component="span">
            <Anchor
              href={`/jobs/${r.job.id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/jobs/${r.job.id}`);
              }}
            >
              {r.job.name}
            </Anchor>{' '}
            was created for {r.job.customer.name} with this message as its first run
            {others > 0 ? `; ${others} other message${others === 1 ? '' : 's'} linked too` : ''}.
          </Text>
        ),
      });
    },
  });
  const remove = useMutation({
    mutationFn: () => del<void>(`/api/inbox/${mail.id}`),
    onSuccess: () => finish({ message: `"${mail.subject}" was deleted.` }),
  });
  const restore = useMutation({
    mutationFn: () => post<InboxItem>(`/api/inbox/${mail.id}/restore`),
    onSuccess: () => finish({ message: `"${mail.subject}" is back in the Inbox.` }),
  });
  const error = approve.error ?? remove.error ?? restore.error;

  if (!mail.deleted && !writable) return null;
  const deleteButton = (
    <Button
      color="red"
      variant="light"
      leftSection={<IconTrash size={16} />}
      loading={remove.isPending}
      onClick={() => remove.mutate()}
    >
      Delete
    </Button>
  );
  return (
    <Stack gap="xs">
      {mail.deleted ? (
        <>
          <Alert color="gray">This message was deleted.</Alert>
          {isAdmin && (
            <Group>
              <Button
                leftSection={<IconRestore size={16} />}
                loading={restore.isPending}
                onClick={() => restore.mutate()}
              >
                Restore
              </Button>
            </Group>
          )}
        </>
      ) : mail.parsed ? (
        <Group align="flex-end" gap="sm" wrap="wrap">
          <div style={{ flex: '1 1 18rem', maxWidth: '28rem' }}>
            <CustomerPicker value={customerId} onChange={setCustomerId} disabled={approve.isPending} />
          </div>
          <Button
            leftSection={<IconCheck size={16} />}
            disabled={!customerId}
            loading={approve.isPending}
            onClick={() => approve.mutate()}
          >
            Approve job
          </Button>
          {deleteButton}
        </Group>
      ) : (
        <Group gap="sm">
          <Text size="sm" c="dimmed">
            A job can be approved only from a message a parser recognised.
          </Text>
          {deleteButton}
        </Group>
      )}
      <ErrorAlert error={error} />
    </Stack>
  );
}
