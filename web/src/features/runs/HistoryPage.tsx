import { Alert, Button, Group, Loader, MultiSelect, Pagination, Stack, Text, TextInput, Title } from '@mantine/core';
import { useSearchParams } from 'react-router-dom';
import type { RunStatus } from '../../api/types';
import { RUN_STATUS_OPTIONS } from '../../components/StatusChip';
import { PAGE_SIZE, readFilters, toQuery, writeFilters, type HistoryFilters } from './history-params';
import { useRuns, type RunSort } from './run-queries';
import { RunsTable } from './RunsTable';
import { nextSort } from '../../components/SortHeader';

/** Dates and durations are most useful newest/longest first; names and statuses A→Z. */
const FIRST_ORDER: Record<RunSort, 'asc' | 'desc'> = {
  job: 'asc',
  status: 'desc',
  queuedAt: 'desc',
  startedAt: 'desc',
  finishedAt: 'desc',
  duration: 'desc',
};

/** /history — every run across jobs: server-side sorted, filtered and paginated. */
export default function HistoryPage() {
  const [params, setParams] = useSearchParams();
  const f = readFilters(params);
  const runs = useRuns(toQuery(f));
  const update = (patch: Partial<HistoryFilters>) =>
    setParams(writeFilters({ ...f, page: 1, ...patch }), { replace: true });
  const pages = Math.max(1, Math.ceil((runs.data?.total ?? 0) / PAGE_SIZE));
  const filtered = f.status.length > 0 || !!f.from || !!f.to;

  return (
    <Stack>
      <Title order={2}>History</Title>
      <Group align="flex-end" wrap="wrap">
        <MultiSelect
          label="Status"
          placeholder={f.status.length ? undefined : 'Any status'}
          data={RUN_STATUS_OPTIONS}
          value={f.status}
          onChange={(v) => update({ status: v as RunStatus[] })}
          clearable
          w={{ base: '100%', sm: 320 }}
        />
        <TextInput
          label="From"
          type="date"
          value={f.from}
          max={f.to || undefined}
          onChange={(e) => update({ from: e.currentTarget.value })}
          w={{ base: '100%', xs: 170 }}
        />
        <TextInput
          label="To"
          type="date"
          value={f.to}
          min={f.from || undefined}
          onChange={(e) => update({ to: e.currentTarget.value })}
          w={{ base: '100%', xs: 170 }}
        />
        {filtered && (
          <Button variant="subtle" onClick={() => update({ status: [], from: '', to: '' })}>
            Clear filters
          </Button>
        )}
      </Group>

      {runs.isError && <Alert color="red">{runs.error.message}</Alert>}
      {runs.isLoading && <Loader />}
      {runs.data && (
        <>
          <Text size="sm" c="dimmed" aria-live="polite">
            {runs.data.total === 1 ? '1 run' : `${runs.data.total} runs`}
            {filtered ? ' match the filters' : ''}
          </Text>
          {runs.data.items.length > 0 && (
            <RunsTable
              runs={runs.data.items}
              sort={{ sort: f.sort, order: f.order }}
              onSort={(c) => update(nextSort({ sort: f.sort, order: f.order }, c, FIRST_ORDER[c]))}
            />
          )}
          {pages > 1 && (
            <Pagination
              total={pages}
              value={Math.min(f.page, pages)}
              onChange={(page) => setParams(writeFilters({ ...f, page }))}
              getControlProps={(control) => ({
                'aria-label': control === 'previous' ? 'Previous page' : control === 'next' ? 'Next page' : control,
              })}
              getItemProps={(page) => ({ 'aria-label': `Page ${page}` })}
            />
          )}
        </>
      )}
    </Stack>
  );
}
