import {
  Alert,
  Anchor,
  Group,
  Loader,
  MultiSelect,
  Pagination,
  ScrollArea,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatBytes, formatDateTime, formatDuration } from '../../components/format';
import { RUN_STATUS_OPTIONS, RunStatusChip } from '../../components/StatusChip';
import { useJobRuns } from './queries';

const PAGE_SIZE = 20;

/** The job's latest executions, newest first, filtered by status; each links to its run view. */
export function JobRunsTable({ jobId }: { jobId: number }) {
  const [statuses, setStatuses] = useState<string[]>([]);
  const [page, setPage] = useState(1);
  const runs = useJobRuns(jobId, statuses, page, PAGE_SIZE);
  const items = runs.data?.items ?? [];
  const pages = Math.max(1, Math.ceil((runs.data?.total ?? 0) / PAGE_SIZE));
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={3}>Latest executions</Title>
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
      {runs.error && (
        <Alert color="red" role="alert">
          {runs.error.message}
        </Alert>
      )}
      {runs.isLoading ? (
        <Loader size="sm" />
      ) : items.length === 0 ? (
        <Text c="dimmed">{statuses.length ? 'No runs with these statuses.' : 'This job has not run yet.'}</Text>
      ) : (
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
                  <Table.Td>
                    <Anchor component={Link} to={`/runs/${r.id}`}>
                      Run #{r.id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <RunStatusChip status={r.status} />
                  </Table.Td>
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
      {pages > 1 && <Pagination total={pages} value={Math.min(page, pages)} onChange={setPage} />}
    </Stack>
  );
}
