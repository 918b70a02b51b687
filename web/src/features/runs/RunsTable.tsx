import { Anchor, ScrollArea, Table, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Run } from '../../api/types';
import { RunStatusChip } from '../../components/StatusChip';
import { formatBytes, formatDateTime, formatDuration } from '../../components/format';
import type { RunSort } from './run-queries';
import { SortHeader, type SortState } from '../../components/SortHeader';

const TRIGGER: Record<string, string> = {
  schedule: 'Schedule',
  manual: 'Manual',
  api: 'API',
  retry: 'Retry',
  site: 'Site',
  catch_up: 'Catch-up',
  system: 'System',
};

/** Runs of any jobs, with server-side sortable columns. */
export function RunsTable({
  runs,
  sort,
  onSort,
}: {
  runs: Run[];
  sort: SortState<RunSort>;
  onSort: (column: RunSort) => void;
}) {
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover miw={860} verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Run</Table.Th>
            <SortHeader label="Job" column="job" state={sort} onSort={onSort} />
            <SortHeader label="Status" column="status" state={sort} onSort={onSort} />
            <Table.Th>Trigger</Table.Th>
            <SortHeader label="Started" column="startedAt" state={sort} onSort={onSort} />
            <SortHeader label="Duration" column="duration" state={sort} onSort={onSort} />
            <Table.Th>Read</Table.Th>
            <Table.Th>Written</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runs.map((r) => (
            <Table.Tr key={r.id} data-run-id={r.id}>
              <Table.Td>
                <Anchor component={Link} to={`/runs/${r.id}`} aria-label={`Run #${r.id}`}>
                  #{r.id}
                </Anchor>
                {r.operation !== 'backup' && (
                  <Text size="xs" c="dimmed">
                    {r.operation}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Anchor component={Link} to={`/jobs/${r.jobId}`}>
                  {r.jobName ?? `Job #${r.jobId}`}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <RunStatusChip status={r.status} />
              </Table.Td>
              <Table.Td>{TRIGGER[r.trigger] ?? r.trigger}</Table.Td>
              <Table.Td>
                {r.startedAt ? (
                  formatDateTime(r.startedAt)
                ) : (
                  <Text size="sm" c="dimmed">
                    queued {formatDateTime(r.queuedAt)}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{formatDuration(r.durationMs)}</Table.Td>
              <Table.Td>{formatBytes(r.bytesRead)}</Table.Td>
              <Table.Td>{formatBytes(r.bytesWritten)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
