import { Badge, Group, Table, Text } from '@mantine/core';
import { Fragment } from 'react';
import type { JobWithIndicators, MonitoredJob, User } from '../../api/types';
import { ActionsHeader, DataTable } from '../../components/DataTable';
import { LastRunCell } from '../../components/LastRun';
import { SortHeader } from '../../components/SortHeader';
import { NameAndStatusCells } from '../jobs/JobsTable';
import { ReviewIndicators } from '../run-checks/ReviewIndicators';
import { MonitoredJobMenu } from './MonitoredJobActions';
import { groupByCustomer } from './monitored-logic';

type SortKey = 'name' | 'status' | 'customer' | 'lastRun' | 'nextRun';

interface Props {
  jobs: MonitoredJob[];
  sort: SortKey;
  order: 'asc' | 'desc';
  onSort: (key: SortKey) => void;
  /** One heading row per customer (and no customer column). */
  grouped: boolean;
  user: User | null | undefined;
}

/**
 * Monitored jobs (fed by e-mail reports or heartbeats): software, type, the learned schedule and
 * the last reported run; grouped by customer as operators of many customers read them.
 */
export function MonitoredJobsTable({ jobs, sort, order, onSort, grouped, user }: Props) {
  const sortable = (key: SortKey, label: string) => (
    <SortHeader label={label} column={key} state={{ sort, order }} onSort={onSort} look="arrows" />
  );
  const columns = grouped ? 8 : 9;
  const row = (job: MonitoredJob) => (
    <Table.Tr key={job.id} data-job={job.name}>
      <NameAndStatusCells job={job} />
      {!grouped && <Table.Td>{job.customer.name}</Table.Td>}
      <Table.Td>
        {job.monitor?.feed === 'heartbeat' ? (
          <Badge variant="outline" color="gray" tt="none">
            Heartbeat
          </Badge>
        ) : (
          (job.software ?? '—')
        )}
      </Table.Td>
      <Table.Td>{job.backupType ?? '—'}</Table.Td>
      <Table.Td>
        <Text size="sm" c={job.learnedSchedule && job.learnedSchedule.kind !== 'none' ? undefined : 'dimmed'}>
          {job.learnedSchedule && job.learnedSchedule.kind !== 'none' ? job.learnedSchedule.text : 'Not learned yet'}
        </Text>
      </Table.Td>
      <Table.Td>
        <LastRunCell run={job.lastRun} none="No report yet" />
      </Table.Td>
      <Table.Td>
        {/* 💬 open remark, 🎫 open ticket, as on the other job lists. */}
        <ReviewIndicators
          hasOpenRemark={(job as JobWithIndicators).hasOpenRemark}
          hasOpenTicket={(job as JobWithIndicators).hasOpenTicket}
        />
      </Table.Td>
      <Table.Td>
        <MonitoredJobMenu job={job} user={user} />
      </Table.Td>
    </Table.Tr>
  );
  return (
    <DataTable
      minWidth={900}
      striped={!grouped}
      highlightOnHover
      verticalSpacing="xs"
      aria-label="Monitored jobs"
      head={[
        sortable('name', 'Name'),
        sortable('status', 'Status'),
        !grouped && sortable('customer', 'Customer'),
        'Software',
        'Type',
        'Schedule',
        sortable('lastRun', 'Last run'),
        'Notes',
        <ActionsHeader w={48} />,
      ]}
    >
      {grouped
        ? groupByCustomer(jobs).map((g) => (
            <Fragment key={g.customer.id}>
              <Table.Tr bg="var(--mantine-color-default-hover)">
                <Table.Th colSpan={columns} scope="colgroup">
                  <Group gap="xs">
                    <Text fw={700} size="sm">
                      {g.customer.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {g.jobs.length} job{g.jobs.length === 1 ? '' : 's'}
                    </Text>
                  </Group>
                </Table.Th>
              </Table.Tr>
              {g.jobs.map(row)}
            </Fragment>
          ))
        : jobs.map(row)}
    </DataTable>
  );
}
