import { Anchor, Checkbox, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Job, JobWithIndicators, User } from '../../api/types';
import { ActionsHeader, SelectAllHeader } from '../../components/DataTable';
import { LastRunCell } from '../../components/LastRun';
import { RelativeTime } from '../../components/RelativeTime';
import { SortHeader } from '../../components/SortHeader';
import { JobStatusChip } from '../../components/StatusChip';
import { ReviewIndicators } from '../run-checks/ReviewIndicators';
import { JobActionsMenu } from './JobActionsMenu';
import type { JobSortKey, JobsFilters } from './jobs-filters';

interface Props {
  jobs: Job[];
  filters: JobsFilters;
  onSort: (key: JobSortKey) => void;
  /** Null when the user may not run jobs: no checkboxes then. */
  selected: Set<number> | null;
  onSelect: (ids: number[], on: boolean) => void;
  user: User | null | undefined;
}

/** Room for the chips and times, so they never shrink to "Ac…" on a phone. */
const MIN_WIDTH: Partial<Record<JobSortKey, number>> = { status: 130, lastRun: 190, nextRun: 120 };

/** The jobs of one page, sorted by the server; a header click asks for another order. */
export function JobsTable({ jobs, filters, onSort, selected, onSelect, user }: Props) {
  const sortable = (key: JobSortKey, label: string) => (
    <SortHeader label={label} column={key} state={filters} onSort={onSort} look="arrows" miw={MIN_WIDTH[key]} />
  );
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover verticalSpacing="xs" miw={960}>
        <Table.Thead>
          <Table.Tr>
            {selected && (
              <SelectAllHeader
                label="Select all jobs on this page"
                ids={jobs.map((j) => j.id)}
                isSelected={(id) => selected.has(id)}
                onSelect={onSelect}
              />
            )}
            {sortable('name', 'Name')}
            {sortable('status', 'Status')}
            {sortable('customer', 'Customer')}
            <Table.Th>Source</Table.Th>
            <Table.Th>Destinations</Table.Th>
            <Table.Th>Schedule</Table.Th>
            {sortable('lastRun', 'Last run')}
            {sortable('nextRun', 'Next run')}
            <Table.Th>Notes</Table.Th>
            <ActionsHeader w={48} />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {jobs.map((job) => (
            <Table.Tr key={job.id} data-job={job.name}>
              {selected && (
                <Table.Td>
                  <Checkbox
                    aria-label={`Select ${job.name}`}
                    checked={selected.has(job.id)}
                    onChange={(e) => onSelect([job.id], e.currentTarget.checked)}
                  />
                </Table.Td>
              )}
              <NameAndStatusCells job={job} />
              <Table.Td>{job.customer.name}</Table.Td>
              <Table.Td>
                {job.source ? job.source.name : '—'}
                {job.database && (
                  <Text span c="dimmed" size="xs">
                    {' '}
                    / {job.database}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Stack gap={0}>
                  {job.destinations.map((d) => (
                    <Text key={d.id} size="sm">
                      {d.name}
                    </Text>
                  ))}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{job.scheduleText}</Text>
              </Table.Td>
              <Table.Td>
                <LastRunCell run={job.lastRun} none="Never" />
              </Table.Td>
              <Table.Td>
                <RelativeTime at={job.nextRunAt} none="—" />
              </Table.Td>
              <Table.Td>
                {/* 💬 open remark, 🎫 open ticket (issue 5; absent on older servers). */}
                <ReviewIndicators
                  hasOpenRemark={(job as JobWithIndicators).hasOpenRemark}
                  hasOpenTicket={(job as JobWithIndicators).hasOpenTicket}
                />
              </Table.Td>
              <Table.Td>
                <JobActionsMenu job={job} user={user} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

/** The first cells of a job's row: its name (a link to its page) and its status. */
export function NameAndStatusCells({ job }: { job: Pick<Job, 'id' | 'name' | 'status'> }) {
  return (
    <>
      <Table.Td>
        <Anchor component={Link} to={`/jobs/${job.id}`} fw={500}>
          {job.name}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <JobStatusChip status={job.status} />
      </Table.Td>
    </>
  );
}
