import { Anchor, Button, Group, Stack, Switch, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRefresh, IconRestore } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { post } from '../../api/client';
import type { InboxItem } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';
import { PagedFooter } from '../../components/PagedFooter';
import { SearchInput, useDebouncedSearch } from '../../components/SearchInput';
import { can, useMe } from '../auth/session';
import { EmlUpload } from './EmlUpload';
import { formatInZone, INBOX_PAGE_SIZE, reparseSummary } from './inbox-logic';
import { InboxMessageModal } from './InboxMessageModal';
import { ReportStatusChip } from './MailView';
import { useInbox, useInstanceTimezone } from './queries';

/**
 * /inbox: imported report e-mails that match no approved job, 50 per page, newest first. A
 * message opens in a dialog where an operator approves it as a job of a customer.
 */
export default function InboxPage() {
  const me = useMe();
  const user = me.data;
  const qc = useQueryClient();
  const timeZone = useInstanceTimezone();
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number(search.get('page')) || 1);
  const q = search.get('q') ?? '';
  const deleted = search.get('deleted') === '1';
  const [openId, setOpenId] = useState<number | null>(null);
  const writable = can(user, 'write');
  const isAdmin = can(user, 'admin');

  const update = (change: { page?: number; q?: string; deleted?: boolean }) => {
    const next = { page, q, deleted, ...change };
    const s = new URLSearchParams();
    if (next.q.trim()) s.set('q', next.q.trim());
    if (next.deleted) s.set('deleted', '1');
    if (next.page > 1) s.set('page', String(next.page));
    setSearch(s, { replace: true });
  };
  const [text, setText] = useDebouncedSearch(q, (typed) => update({ q: typed, page: 1 }));

  const list = useInbox({ page, q, deleted });
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE));

  const reparse = useMutation({
    mutationFn: () => post<{ reparsed: number; linked: number }>('/api/inbox/reparse'),
    onSuccess: async (r) => {
      await Promise.all([qc.invalidateQueries({ queryKey: ['inbox'] }), qc.invalidateQueries({ queryKey: ['jobs'] })]);
      notifications.show({ color: 'green', title: 'Re-parse all', message: reparseSummary(r) });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Re-parse failed', message: err.message }),
  });
  const restore = useMutation({
    mutationFn: (m: InboxItem) => post<InboxItem>(`/api/inbox/${m.id}/restore`),
    onSuccess: async (_r, m) => {
      await qc.invalidateQueries({ queryKey: ['inbox'] });
      notifications.show({ color: 'green', message: `"${m.subject}" is back in the Inbox.` });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Restore failed', message: err.message }),
  });

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{deleted ? 'Inbox: deleted messages' : 'Inbox'}</Title>
        {writable && !deleted && (
          <Group gap="xs" align="center">
            {reparse.data && (
              <Text size="sm" c="dimmed" aria-live="polite">
                {reparseSummary(reparse.data)}
              </Text>
            )}
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              loading={reparse.isPending}
              onClick={() => reparse.mutate()}
            >
              Re-parse all
            </Button>
          </Group>
        )}
      </Group>
      {writable && !deleted && <EmlUpload onOpenMail={setOpenId} />}
      <Group align="flex-end" gap="md">
        <SearchInput
          label="Search inbox"
          placeholder="Sender, subject, job..."
          value={text}
          onChange={setText}
          w={{ base: '100%', sm: 320 }}
        />
        {isAdmin && (
          <Switch
            label="Show deleted messages"
            checked={deleted}
            onChange={(e) => update({ deleted: e.currentTarget.checked, page: 1 })}
            pb={8}
          />
        )}
      </Group>
      <ListState
        error={list.error}
        loading={list.isLoading}
        empty={items.length === 0}
        emptyText={
          q
            ? 'No messages match this search.'
            : deleted
              ? 'No deleted messages.'
              : 'The Inbox is empty: every imported report belongs to a job.'
        }
      >
        <DataTable
          minWidth={1100}
          striped
          highlightOnHover
          verticalSpacing="xs"
          aria-label="Inbox messages"
          head={[
            'From',
            'Subject',
            <Table.Th miw={150}>Received</Table.Th>,
            'Backup',
            'Type',
            'Job',
            <Table.Th miw={110}>Overall</Table.Th>,
            'Parsed',
            'EML',
            deleted && isAdmin && 'Actions',
          ]}
        >
          {items.map((m) => (
            <Table.Tr key={m.id} data-mail={m.id}>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{m.from}</Table.Td>
              <Table.Td>
                <Anchor
                  component="button"
                  type="button"
                  ta="left"
                  fw={500}
                  size="sm"
                  onClick={() => setOpenId(m.id)}
                  aria-label={`Open ${m.subject || '(no subject)'}`}
                >
                  {m.subject || '(no subject)'}
                </Anchor>
              </Table.Td>
              <Table.Td>{formatInZone(m.receivedAt, timeZone)}</Table.Td>
              <Table.Td>{m.software ?? '—'}</Table.Td>
              <Table.Td>{m.type ?? '—'}</Table.Td>
              <Table.Td>{m.jobName ?? '—'}</Table.Td>
              <Table.Td>
                <ReportStatusChip status={m.parsed ? m.status : null} />
              </Table.Td>
              <Table.Td>
                {m.parsed ? (
                  <Text size="sm">Yes</Text>
                ) : (
                  <Tooltip label={m.parseError ?? 'No parser matched'} multiline maw={360} withArrow>
                    <Text
                      size="sm"
                      c="orange"
                      tabIndex={0}
                      style={{ textDecoration: 'underline dotted', cursor: 'help' }}
                    >
                      No
                    </Text>
                  </Tooltip>
                )}
              </Table.Td>
              <Table.Td>
                <Anchor
                  href={`/api/mail/${m.id}/eml`}
                  download
                  size="sm"
                  aria-label={`Download ${m.subject || 'message'} as .eml`}
                >
                  EML
                </Anchor>
              </Table.Td>
              {deleted && isAdmin && (
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    leftSection={<IconRestore size={14} />}
                    loading={restore.isPending && restore.variables?.id === m.id}
                    onClick={() => restore.mutate(m)}
                    aria-label={`Restore ${m.subject || 'message'}`}
                  >
                    Restore
                  </Button>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>
      <PagedFooter
        summary={`${total === 1 ? '1 message' : `${total} messages`}${timeZone ? ` · times in ${timeZone}` : ''}`}
        page={page}
        pages={pages}
        onPage={(p) => update({ page: p })}
      />
      <InboxMessageModal mailId={openId} onClose={() => setOpenId(null)} user={user} timeZone={timeZone} />
    </Stack>
  );
}
