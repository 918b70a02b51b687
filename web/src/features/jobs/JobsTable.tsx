import {
  Anchor,
  Checkbox,
  Group,
  ScrollArea,
  Stack,
  Table,
  Text,
  Tooltip,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconSelector } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Job, User } from '../../api/types';
import { formatDateTime, formatRelative } from '../../components/format';
import { JobStatusChip, RunStatusChip } from '../../components/StatusChip';
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
  const sortable = (key: JobSortKey, label: string) => {
    const active = filters.sort === key;
    const Icon = !active ? IconSelector : filters.order === 'asc' ? IconArrowUp : IconArrowDown;
    return (
      <Table.Th
        aria-sort={active ? (filters.order === 'asc' ? 'ascending' : 'descending') : 'none'}
        miw={MIN_WIDTH[key]}
      >
        <UnstyledButton onClick={() => onSort(key)} fw={600} fz="sm">
          <Group gap={4} wrap="nowrap">
            {label}
            <Icon size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Table.Th>
    );
  };
  const allOnPage = jobs.length > 0 && !!selected && jobs.every((j) => selected.has(j.id));
  const someOnPage = !!selected && jobs.some((j) => selected.has(j.id));
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover verticalSpacing="xs" miw={960}>
        <Table.Thead>
          <Table.Tr>
            {selected && (
              <Table.Th w={40}>
                <Checkbox
                  aria-label="Select all jobs on this page"
                  checked={allOnPage}
                  indeterminate={someOnPage && !allOnPage}
                  onChange={(e) =>
                    onSelect(
                      jobs.map((j) => j.id),
                      e.currentTarget.checked,
                    )
                  }
                />
              </Table.Th>
            )}
            {sortable('name', 'Name')}
            {sortable('status', 'Status')}
            {sortable('customer', 'Customer')}
            <Table.Th>Source</Table.Th>
            <Table.Th>Destinations</Table.Th>
            <Table.Th>Schedule</Table.Th>
            {sortable('lastRun', 'Last run')}
            {sortable('nextRun', 'Next run')}
            <Table.Th w={48}>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
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
              <Table.Td>
                <Anchor component={Link} to={`/jobs/${job.id}`} fw={500}>
                  {job.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <JobStatusChip status={job.status} />
              </Table.Td>
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
                {job.lastRun ? (
                  <Group gap={6} wrap="nowrap">
                    <Anchor component={Link} to={`/runs/${job.lastRun.id}`} aria-label={`Last run #${job.lastRun.id}`}>
                      <RunStatusChip status={job.lastRun.status} />
                    </Anchor>
                    <Tooltip label={formatDateTime(job.lastRun.finishedAt ?? job.lastRun.queuedAt)}>
                      <Text size="xs" c="dimmed">
                        {formatRelative(job.lastRun.finishedAt ?? job.lastRun.queuedAt)}
                      </Text>
                    </Tooltip>
                  </Group>
                ) : (
                  <Text size="sm" c="dimmed">
                    Never
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {job.nextRunAt ? (
                  <Tooltip label={formatDateTime(job.nextRunAt)}>
                    <Text size="sm">{formatRelative(job.nextRunAt)}</Text>
                  </Tooltip>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                )}
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
