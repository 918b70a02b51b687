import {
  ActionIcon,
  Anchor,
  Button,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { get } from '../../api/client';
import type { DailyJobsAnswer } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RunStatusChip } from '../../components/StatusChip';
import { useCustomerOptions, useReviewTimezone } from '../run-checks/lookups';
import { formatInZone, isDateInput, shiftDate, todayIn } from '../run-checks/review-time';
import { ReviewIndicators } from '../run-checks/ReviewIndicators';
import { dailyJobsPath, daySummary, windowText } from './daily-jobs-logic';

/**
 * /daily-jobs: every job expected on a date (learned schedules of monitored jobs, configured
 * schedules of backup jobs) with the run of its slot, its status, whether it was reviewed and
 * its remark/ticket indicators. Informational: reviewing happens in Run Checks.
 */
export default function DailyJobsPage() {
  const timeZone = useReviewTimezone();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const today = timeZone ? todayIn(timeZone) : null;
  const requested = search.get('date');
  const date = requested && isDateInput(requested) ? requested : today;
  const customerId = search.get('customer') || null;
  const customers = useCustomerOptions();
  const daily = useQuery({
    queryKey: ['daily-jobs', date, customerId],
    queryFn: () => get<DailyJobsAnswer>(dailyJobsPath(date!, customerId)),
    enabled: !!date,
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
  const zone = daily.data?.timezone ?? timeZone ?? 'UTC';

  const update = (change: { date?: string | null; customer?: string | null }) => {
    const next = { date: requested, customer: customerId, ...change };
    const s = new URLSearchParams();
    if (next.date && next.date !== today) s.set('date', next.date);
    if (next.customer) s.set('customer', next.customer);
    setSearch(s, { replace: true });
  };

  /** The button to the day before or after. */
  const dayStep = (label: string, days: number, icon: ReactNode) => (
    <Tooltip label={label}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={label}
        disabled={!date}
        onClick={() => date && update({ date: shiftDate(date, days) })}
      >
        {icon}
      </ActionIcon>
    </Tooltip>
  );

  const items = daily.data?.items ?? [];
  return (
    <Stack>
      <div>
        <Title order={2}>Daily Jobs</Title>
        <Text size="sm" c="dimmed">
          Which jobs were expected on a day and how they did. Times in {zone}.
        </Text>
      </div>
      <Group align="flex-end" wrap="wrap">
        <Group gap={4} align="flex-end" wrap="nowrap">
          {dayStep('Previous day', -1, <IconChevronLeft size={16} />)}
          <TextInput
            type="date"
            label="Date"
            value={date ?? ''}
            onChange={(e) => isDateInput(e.currentTarget.value) && update({ date: e.currentTarget.value })}
            w={170}
          />
          {dayStep('Next day', 1, <IconChevronRight size={16} />)}
          <Button variant="default" disabled={!date || date === today} onClick={() => update({ date: null })}>
            Today
          </Button>
        </Group>
        <Select
          label="Customer"
          placeholder="All customers"
          data={customers.data ?? []}
          value={customerId}
          onChange={(v) => update({ customer: v })}
          searchable
          clearable
          w={240}
        />
        {daily.isFetching && <Loader size="sm" />}
      </Group>

      <ErrorAlert error={daily.error} />
      {daily.data && (
        <Text size="sm" fw={500}>
          {daySummary(items)}
        </Text>
      )}
      {daily.isLoading || !date ? (
        <Loader />
      ) : items.length === 0 ? (
        <Text c="dimmed">
          No job was expected on this day. Monitored jobs appear once their schedule is learned (a few reports).
        </Text>
      ) : (
        <DataTable
          minWidth={1100}
          striped
          highlightOnHover
          verticalSpacing="xs"
          aria-label="Daily jobs"
          head={[
            'Customer',
            'Software',
            'Type',
            'Job',
            'Schedule',
            'Expected',
            'Last run',
            <Table.Th miw={150}>Status</Table.Th>,
            'Reviewed',
            'Notes',
          ]}
        >
          {items.map((d) => (
            <Table.Tr
              key={d.job.id}
              data-job={d.job.name}
              style={{ cursor: 'pointer' }}
              onClick={(e) => {
                // Links inside the row keep their own target.
                if (!(e.target as HTMLElement).closest('a')) navigate(`/jobs/${d.job.id}`);
              }}
            >
              <Table.Td>{d.job.customer.name}</Table.Td>
              <Table.Td>{d.job.software ?? '—'}</Table.Td>
              <Table.Td>{d.job.backupType ?? '—'}</Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/jobs/${d.job.id}`} fw={500}>
                  {d.job.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{d.scheduleText}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{windowText(d.slots, zone)}</Text>
              </Table.Td>
              <Table.Td>
                {d.lastRun ? (
                  <Anchor component={Link} to={`/runs/${d.lastRun.id}`} size="sm">
                    {formatInZone(d.lastRun.startedAt ?? d.lastRun.queuedAt, zone)}
                  </Anchor>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <RunStatusChip status={d.status} overridden={d.overridden} original={d.lastRun?.status} />
              </Table.Td>
              <Table.Td>
                {d.reviewed ? (
                  <Text span c="green" fw={700} role="img" aria-label="Reviewed">
                    ✓
                  </Text>
                ) : (
                  <Text span c="dimmed" role="img" aria-label="Not reviewed">
                    —
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <ReviewIndicators hasOpenRemark={d.hasOpenRemark} hasOpenTicket={d.hasOpenTicket} />
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      )}
    </Stack>
  );
}
