import { Anchor, Group, MultiSelect, Pagination, Stack, Table, Title } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Run } from '../../api/types';
import { ListState } from '../../components/DataTable';
import { RUN_STATUS_OPTIONS, RunStatusChip } from '../../components/StatusChip';
import { useJobRuns } from './queries';

const PAGE_SIZE = 20;

/**
 * A job's runs, newest first, under a title with a status filter and paged: the frame of both
 * run histories on the job page (a backup job's executions, a monitored job's reports).
 */
export function JobRunsSection({
  jobId,
  title,
  emptyText,
  children,
}: {
  jobId: number;
  title: string;
  /** When the job has no run at all (a filter that matches none says so itself). */
  emptyText: string;
  /** The table of one page of runs. */
  children: (runs: Run[]) => ReactNode;
}) {
  const [statuses, setStatuses] = useState<string[]>([]);
  const [page, setPage] = useState(1);
  const runs = useJobRuns(jobId, statuses, page, PAGE_SIZE);
  const items = runs.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((runs.data?.total ?? 0) / PAGE_SIZE));
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={3}>{title}</Title>
        <MultiSelect
          label="Status"
          placeholder={statuses.length ? undefined : 'All statuses'}
          data={RUN_STATUS_OPTIONS}
          value={statuses}
          onChange={(s) => {
            setStatuses(s);
            setPage(1);
          }}
          clearable
          w={{ base: '100%', sm: 320 }}
        />
      </Group>
      <ListState
        error={runs.error}
        loading={runs.isLoading}
        loaderSize="sm"
        empty={items.length === 0}
        emptyText={statuses.length ? 'No runs with these statuses.' : emptyText}
      >
        {children(items)}
      </ListState>
      {pages > 1 && <Pagination total={pages} value={Math.min(page, pages)} onChange={setPage} />}
    </Stack>
  );
}

/** The first cells of a run's row: "Run #12" (a link to its view) and its status. */
export function RunCells({ run }: { run: Pick<Run, 'id' | 'status'> }) {
  return (
    <>
      <Table.Td>
        <Anchor component={Link} to={`/runs/${run.id}`}>
          Run #{run.id}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <RunStatusChip status={run.status} />
      </Table.Td>
    </>
  );
}
