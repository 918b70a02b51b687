import {
  Alert,
  Anchor,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconChecks } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { DataTable, ListState, SelectAllHeader } from '../../components/DataTable';
import { SearchInput, useDebouncedSearch } from '../../components/SearchInput';
import { RunStatusChip } from '../../components/StatusChip';
import { can, useMe } from '../auth/session';
import { useCustomerOptions, useReviewTimezone } from './lookups';
import { useReviewJobs, useRunChecks } from './queries';
import { formatInZone } from './review-time';
import { ReviewIndicators } from './ReviewIndicators';
import { RunCheckDrawer } from './RunCheckDrawer';
import {
  filtersFromSearch,
  filtersToSearch,
  keepListed,
  remainingLabel,
  sortRunCheckJobs,
  statusSummary,
  type RunChecksFilters,
} from './run-checks-logic';

/**
 * /run-checks (and /run-checks/:jobId with the job's drawer open): every job with unreviewed
 * runs, failed and missed first. The goal of the day is an empty page. Admins and operators only.
 */
export default function RunChecksPage() {
  const me = useMe();
  const writable = can(me.data, 'write');
  const isAdmin = can(me.data, 'admin');
  const timeZone = useReviewTimezone() ?? 'UTC';
  const navigate = useNavigate();
  const params = useParams();
  const openJobId = params.jobId && /^\d+$/.test(params.jobId) ? Number(params.jobId) : null;
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const customers = useCustomerOptions(writable);
  const list = useRunChecks(filters, isAdmin, writable);
  const review = useReviewJobs();
  const [selected, setSelected] = useState<Set<number>>(new Set());

  const update = (change: Partial<RunChecksFilters>) => {
    setSearch(filtersToSearch({ ...filters, ...change }), { replace: true });
  };
  const [text, setText] = useDebouncedSearch(filters.q, (q) => update({ q }));

  const items = useMemo(() => sortRunCheckJobs(list.data?.items ?? []), [list.data]);
  useEffect(() => {
    setSelected((s) => (s.size ? keepListed(s, items) : s));
  }, [items]);

  if (me.data && !writable)
    return (
      <Alert color="gray" title="Run Checks">
        Reviewing runs is for operators and admins. Daily Jobs shows how the jobs did.
      </Alert>
    );

  const remaining = list.data?.remaining ?? 0;
  const filtered = !!filters.q.trim() || !!filters.customerId;
  const search_ = search.toString();
  const jobLink = (id: number) => `/run-checks/${id}${search_ ? `?${search_}` : ''}`;
  const closeDrawer = () => navigate({ pathname: '/run-checks', search: search_ ? `?${search_}` : '' });
  const toggle = (ids: number[], on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });

  const reviewSelected = () =>
    review.mutate([...selected], {
      onSuccess: (r) => {
        notifications.show({
          color: 'green',
          message: `${r.reviewed === 1 ? '1 run' : `${r.reviewed} runs`} of ${selected.size === 1 ? '1 job' : `${selected.size} jobs`} marked as reviewed`,
        });
        setSelected(new Set());
      },
      onError: (err) => notifications.show({ color: 'red', title: 'Not reviewed', message: err.message }),
    });

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Run Checks</Title>
          <Text size="lg" fw={600} role="status" aria-live="polite">
            {list.data ? remainingLabel(remaining) : ' '}
          </Text>
        </div>
        <Button
          color="green"
          leftSection={<IconChecks size={16} />}
          disabled={selected.size === 0}
          loading={review.isPending}
          onClick={reviewSelected}
        >
          Mark selected as reviewed
        </Button>
      </Group>

      <Group align="flex-end" wrap="wrap">
        <SearchInput
          label="Search"
          placeholder="Job or customer name"
          value={text}
          onChange={setText}
          w={260}
          clearSize="sm"
        />
        <Select
          label="Customer"
          placeholder="All customers"
          data={customers.data ?? []}
          value={filters.customerId}
          onChange={(v) => update({ customerId: v })}
          searchable
          clearable
          w={240}
        />
        {isAdmin && (
          <Switch
            label="Show reviewed"
            description="Also runs reviewed in the last 7 days"
            checked={filters.showReviewed}
            onChange={(e) => update({ showReviewed: e.currentTarget.checked })}
          />
        )}
        {list.isFetching && <Loader size="sm" />}
      </Group>

      <ListState
        error={list.error}
        loading={list.isLoading}
        empty={items.length === 0}
        emptyText={
          filtered ? (
            'No job with runs to review matches these filters.'
          ) : (
            <Center py={60}>
              <Stack align="center" gap="xs">
                <ThemeIcon size={64} radius="xl" color="green" variant="light">
                  <IconChecks size={36} />
                </ThemeIcon>
                <Title order={3}>All runs reviewed</Title>
                <Text c="dimmed">
                  Nothing left to review. New runs appear here as their reports and backups finish.
                </Text>
              </Stack>
            </Center>
          )
        }
      >
        <DataTable
          minWidth={1000}
          striped
          highlightOnHover
          verticalSpacing="xs"
          aria-label="Jobs to review"
          head={[
            <SelectAllHeader
              label="Select all jobs"
              ids={items.map((i) => i.job.id)}
              isSelected={(id) => selected.has(id)}
              onSelect={toggle}
            />,
            <Table.Th miw={150}>Status</Table.Th>,
            'Customer',
            'Job',
            'Software',
            'Type',
            'To review',
            'Last run',
            'Notes',
          ]}
        >
          {items.map((i) => (
            <Table.Tr
              key={i.job.id}
              data-job={i.job.name}
              bg={openJobId === i.job.id ? 'var(--mantine-primary-color-light)' : undefined}
            >
              <Table.Td>
                <Checkbox
                  aria-label={`Select ${i.job.name}`}
                  checked={selected.has(i.job.id)}
                  onChange={(e) => toggle([i.job.id], e.currentTarget.checked)}
                />
              </Table.Td>
              <Table.Td>
                <Tooltip label={statusSummary(i.statuses)} disabled={!statusSummary(i.statuses)}>
                  <span>
                    <RunStatusChip status={i.worstStatus} />
                  </span>
                </Tooltip>
              </Table.Td>
              <Table.Td>{i.job.customer.name}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={jobLink(i.job.id)} fw={500}>
                  {i.job.name}
                </Anchor>
              </Table.Td>
              <Table.Td>{i.job.software ?? '—'}</Table.Td>
              <Table.Td>{i.job.backupType ?? '—'}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={i.unreviewed ? 600 : undefined} c={i.unreviewed ? undefined : 'dimmed'}>
                  {i.unreviewed}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatInZone(i.lastRunAt, timeZone)}</Text>
              </Table.Td>
              <Table.Td>
                <ReviewIndicators hasOpenRemark={i.hasOpenRemark} hasOpenTicket={i.hasOpenTicket} />
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>

      <RunCheckDrawer
        jobId={openJobId}
        includeReviewed={isAdmin && filters.showReviewed}
        isAdmin={isAdmin}
        writable={writable}
        timeZone={timeZone}
        onClose={closeDrawer}
      />
    </Stack>
  );
}
