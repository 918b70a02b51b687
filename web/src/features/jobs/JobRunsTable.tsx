import { ScrollArea, Table } from '@mantine/core';
import { formatBytes, formatDateTime, formatDuration } from '../../components/format';
import { JobRunsSection, RunCells } from './JobRunsSection';

/** The job's latest executions, newest first, filtered by status; each links to its run view. */
export function JobRunsTable({ jobId }: { jobId: number }) {
  return (
    <JobRunsSection jobId={jobId} title="Latest executions" emptyText="This job has not run yet.">
      {(items) => (
        <ScrollArea type="auto">
          <Table striped highlightOnHover miw={720} aria-label="Latest executions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Run</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Operation</Table.Th>
                <Table.Th>Trigger</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Duration</Table.Th>
                <Table.Th>Written</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id}>
                  <RunCells run={r} />
                  <Table.Td>{r.operation}</Table.Td>
                  <Table.Td>{r.trigger}</Table.Td>
                  <Table.Td>{formatDateTime(r.startedAt ?? r.queuedAt)}</Table.Td>
                  <Table.Td>{formatDuration(r.durationMs)}</Table.Td>
                  <Table.Td>{formatBytes(r.bytesWritten)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </JobRunsSection>
  );
}
