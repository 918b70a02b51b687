import { Alert, Button, Group, Loader, Pagination, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Job } from '../../api/types';
import { can, useMe } from '../auth/session';
import { JobsFilterBar } from './JobsFilterBar';
import { JobsTable } from './JobsTable';
import { filtersFromSearch, filtersToSearch, PAGE_SIZE, toggleSort, type JobsFilters } from './jobs-filters';
import { useJobsList } from './queries';
import { useJobActions } from './use-job-actions';

type Picked = Map<number, Pick<Job, 'id' | 'name'>>;

/** Jobs: sorted, filtered and paged by the server; select several and run them now. */
export default function JobsPage() {
  const me = useMe();
  const user = me.data;
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  const setFilters = (f: JobsFilters) => setSearch(filtersToSearch(f), { replace: true });
  const list = useJobsList(filters);
  const actions = useJobActions();
  const [picked, setPicked] = useState<Picked>(new Map());
  const [running, setRunning] = useState(false);
  const canRun = can(user, 'run');

  const jobs = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  const onSelect = (ids: number[], on: boolean) =>
    setPicked((prev) => {
      const next = new Map(prev);
      for (const id of ids) {
        const job = jobs.find((j) => j.id === id);
        if (on && job) next.set(id, { id, name: job.name });
        else next.delete(id);
      }
      return next;
    });

  const runSelected = async () => {
    setRunning(true);
    try {
      await actions.runMany([...picked.values()]);
      setPicked(new Map());
    } finally {
      setRunning(false);
    }
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Jobs</Title>
        {can(user, 'write') && (
          <Button component={Link} to="/jobs/new" leftSection={<IconPlus size={16} />}>
            New job
          </Button>
        )}
      </Group>
      <JobsFilterBar filters={filters} onChange={setFilters} />
      {canRun && (
        <Group gap="sm">
          <Button
            variant="light"
            leftSection={<IconPlayerPlay size={16} />}
            disabled={picked.size === 0}
            loading={running}
            onClick={() => void runSelected()}
          >
            Run now
          </Button>
          <Text size="sm" c="dimmed" aria-live="polite">
            {picked.size === 0 ? 'Select jobs to run them now' : `${picked.size} selected`}
          </Text>
          {picked.size > 0 && (
            <Button variant="subtle" size="xs" onClick={() => setPicked(new Map())}>
              Clear selection
            </Button>
          )}
        </Group>
      )}
      {list.error && (
        <Alert color="red" role="alert">
          {list.error.message}
        </Alert>
      )}
      {list.isLoading ? (
        <Loader />
      ) : jobs.length === 0 ? (
        <Text c="dimmed">
          {filters.q || filters.statuses.length || filters.customerId
            ? 'No jobs match these filters.'
            : 'No jobs yet. Create one with "New job".'}
        </Text>
      ) : (
        <JobsTable
          jobs={jobs}
          filters={filters}
          onSort={(key) => setFilters(toggleSort(filters, key))}
          selected={canRun ? new Set(picked.keys()) : null}
          onSelect={onSelect}
          user={user}
        />
      )}
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {total === 1 ? '1 job' : `${total} jobs`}
        </Text>
        {pages > 1 && (
          <Pagination
            total={pages}
            value={Math.min(filters.page, pages)}
            onChange={(page) => setFilters({ ...filters, page })}
            getControlProps={(control) => ({ 'aria-label': `${control} page` })}
          />
        )}
      </Group>
    </Stack>
  );
}
