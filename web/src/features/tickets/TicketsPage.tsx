import { Anchor, Badge, Button, Group, SegmentedControl, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPlus, IconRotate } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Remark, Ticket } from '../../api/types';
import { ActionsHeader, DataTable, ListState } from '../../components/DataTable';
import { EditAction } from '../../components/IconAction';
import { can, useMe } from '../auth/session';
import { useNames, useReviewTimezone } from '../run-checks/lookups';
import { formatDateInZone } from '../run-checks/review-time';
import { useRemarks, useSaveRemark, useSaveTicket, useTickets } from './queries';
import { RemarkModal } from './RemarkModal';
import { TicketModal } from './TicketModal';
import { describeScopes, isOpen } from './tickets-logic';

type Tab = 'tickets' | 'remarks';

/** One tab: a New button for those who may write, then the list. */
function ListPanel({
  value,
  newLabel,
  onNew,
  writable,
  children,
}: {
  value: Tab;
  newLabel: string;
  onNew: () => void;
  writable: boolean;
  children: ReactNode;
}) {
  return (
    <Tabs.Panel value={value} pt="md">
      <Stack>
        {writable && (
          <Group justify="flex-end">
            <Button leftSection={<IconPlus size={16} />} onClick={onNew}>
              {newLabel}
            </Button>
          </Group>
        )}
        {children}
      </Stack>
    </Tabs.Panel>
  );
}

/** The last column of a ticket or remark: Edit, and Resolve (now) or Reopen. */
function RowActions({
  label,
  resolved,
  resolving,
  onEdit,
  onResolve,
}: {
  label: string;
  resolved: boolean;
  resolving: boolean;
  onEdit: () => void;
  onResolve: () => void;
}) {
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      <EditAction label={`Edit ${label}`} onClick={onEdit} />
      <Button
        size="xs"
        variant={resolved ? 'subtle' : 'light'}
        leftSection={resolved ? <IconRotate size={14} /> : <IconCheck size={14} />}
        loading={resolving}
        onClick={onResolve}
        aria-label={`${resolved ? 'Reopen' : 'Resolve'} ${label}`}
      >
        {resolved ? 'Reopen' : 'Resolve'}
      </Button>
    </Group>
  );
}

/** Resolving now, or reopening: the change, and what the notifications say. */
const resolveBody = (o: Ticket | Remark) => ({ resolvedAt: isOpen(o) ? new Date().toISOString() : null });
const notifySaved = (message: string) => ({
  onSuccess: () => notifications.show({ message }),
  onError: (err: Error) => notifications.show({ color: 'red', title: 'Not saved', message: err.message }),
});

/**
 * /tickets: external tickets (code, dates, scopes) and remarks (notes on a job or run), open
 * ones by default. Both show 🎫 / 💬 on the jobs they concern until resolved; neither reviews a run.
 */
export default function TicketsPage() {
  const me = useMe();
  const writable = can(me.data, 'write');
  const timeZone = useReviewTimezone() ?? 'UTC';
  const names = useNames();
  const [search, setSearch] = useSearchParams();
  const tab: Tab = search.get('tab') === 'remarks' ? 'remarks' : 'tickets';
  const openOnly = search.get('show') !== 'all';
  const tickets = useTickets(openOnly);
  const remarks = useRemarks(openOnly);
  const saveTicket = useSaveTicket();
  const saveRemark = useSaveRemark();
  const [ticket, setTicket] = useState<Ticket | 'new' | null>(null);
  const [remark, setRemark] = useState<Remark | 'new' | null>(null);

  const update = (change: { tab?: Tab; openOnly?: boolean }) => {
    const next = { tab, openOnly, ...change };
    const s = new URLSearchParams();
    if (next.tab !== 'tickets') s.set('tab', next.tab);
    if (!next.openOnly) s.set('show', 'all');
    setSearch(s, { replace: true });
  };

  const resolveTicket = (t: Ticket) =>
    saveTicket.mutate(
      { id: t.id, body: resolveBody(t) },
      notifySaved(`Ticket ${t.code} ${isOpen(t) ? 'resolved' : 'reopened'}`),
    );
  const resolveRemark = (r: Remark) =>
    saveRemark.mutate({ id: r.id, body: resolveBody(r) }, notifySaved(`Remark ${isOpen(r) ? 'resolved' : 'reopened'}`));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Tickets and remarks</Title>
          <Text size="sm" c="dimmed">
            Follow-up of known problems. They mark jobs with 🎫 and 💬; reviewing a run is still done in Run Checks.
          </Text>
        </div>
        <SegmentedControl
          aria-label="Show"
          value={openOnly ? 'open' : 'all'}
          onChange={(v) => update({ openOnly: v === 'open' })}
          data={[
            { value: 'open', label: 'Open' },
            { value: 'all', label: 'All' },
          ]}
        />
      </Group>
      <Tabs value={tab} onChange={(v) => update({ tab: v === 'remarks' ? 'remarks' : 'tickets' })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="tickets">Tickets</Tabs.Tab>
          <Tabs.Tab value="remarks">Remarks</Tabs.Tab>
        </Tabs.List>

        <ListPanel value="tickets" newLabel="New ticket" onNew={() => setTicket('new')} writable={writable}>
          <ListState
            error={tickets.error}
            loading={tickets.isLoading}
            empty={!tickets.data?.length}
            emptyText={openOnly ? 'No open tickets.' : 'No tickets yet.'}
          >
            <DataTable
              minWidth={960}
              striped
              highlightOnHover
              verticalSpacing="xs"
              aria-label="Tickets"
              head={['Code', 'Description', 'Active from', 'Start date', 'Resolved at', 'Scopes', <ActionsHeader />]}
            >
              {(tickets.data ?? []).map((t) => (
                <Table.Tr key={t.id} data-ticket={t.code}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      🎫 {t.code}
                    </Text>
                    {t.runId !== null && (
                      <Anchor component={Link} to={`/runs/${t.runId}`} size="xs">
                        run #{t.runId}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                      {t.description || '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>{formatDateInZone(t.activeFrom, timeZone)}</Table.Td>
                  <Table.Td>{formatDateInZone(t.startDate, timeZone)}</Table.Td>
                  <Table.Td>{t.resolvedAt ? formatDateInZone(t.resolvedAt, timeZone) : ''}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {describeScopes(t.scopes, names).map((s) => (
                        <Badge key={s} variant="outline" tt="none" size="sm">
                          {s}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {writable && (
                      <RowActions
                        label={`ticket ${t.code}`}
                        resolved={!isOpen(t)}
                        resolving={saveTicket.isPending && saveTicket.variables?.id === t.id}
                        onEdit={() => setTicket(t)}
                        onResolve={() => resolveTicket(t)}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          </ListState>
        </ListPanel>

        <ListPanel value="remarks" newLabel="New remark" onNew={() => setRemark('new')} writable={writable}>
          <ListState
            error={remarks.error}
            loading={remarks.isLoading}
            empty={!remarks.data?.length}
            emptyText={openOnly ? 'No open remarks.' : 'No remarks yet.'}
          >
            <DataTable
              minWidth={860}
              striped
              highlightOnHover
              verticalSpacing="xs"
              aria-label="Remarks"
              head={['Remark', 'Job', 'Run', 'Start date', 'Resolved at', <ActionsHeader />]}
            >
              {(remarks.data ?? []).map((r) => (
                <Table.Tr key={r.id} data-remark={r.id}>
                  <Table.Td>
                    <Text size="sm" lineClamp={4} style={{ whiteSpace: 'pre-wrap' }}>
                      💬 {r.text}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {r.createdBy?.username ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/jobs/${r.jobId}`} size="sm">
                      {names.job(r.jobId)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    {r.runId !== null ? (
                      <Anchor component={Link} to={`/runs/${r.runId}`} size="sm">
                        #{r.runId}
                      </Anchor>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>{formatDateInZone(r.startDate, timeZone)}</Table.Td>
                  <Table.Td>{r.resolvedAt ? formatDateInZone(r.resolvedAt, timeZone) : ''}</Table.Td>
                  <Table.Td>
                    {writable && (
                      <RowActions
                        label={`remark #${r.id}`}
                        resolved={!isOpen(r)}
                        resolving={saveRemark.isPending && saveRemark.variables?.id === r.id}
                        onEdit={() => setRemark(r)}
                        onResolve={() => resolveRemark(r)}
                      />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          </ListState>
        </ListPanel>
      </Tabs>

      <TicketModal
        opened={ticket !== null}
        ticket={ticket === 'new' ? null : ticket}
        timeZone={timeZone}
        onClose={() => setTicket(null)}
      />
      <RemarkModal
        opened={remark !== null}
        remark={remark === 'new' ? null : remark}
        timeZone={timeZone}
        onClose={() => setRemark(null)}
      />
    </Stack>
  );
}
