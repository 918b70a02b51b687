import { Button, Group, SegmentedControl, Stack, Switch, Text, Title } from '@mantine/core';
import { IconHeartbeat, IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { Job } from '../../api/types';
import { ListState } from '../../components/DataTable';
import { PagedFooter } from '../../components/PagedFooter';
import { can, useMe } from '../auth/session';
import { JobsFilterBar } from './JobsFilterBar';
import { JobsTable } from './JobsTable';
import { filtersFromSearch, filtersToSearch, PAGE_SIZE, toggleSort, type JobsFilters } from './jobs-filters';
import { HeartbeatJobModal } from '../monitored/HeartbeatJobModal';
import { MonitoredJobsTable } from '../monitored/MonitoredJobsTable';
import { MonitoredJobsTransfer } from '../monitored/MonitoredJobsTransfer';
import { extrasFromSearch, extrasToSearch, type JobListExtras } from '../monitored/monitored-logic';
import { useJobsOfKind } from '../monitored/queries';
import { useJobActions } from './use-job-actions';

type Picked = Map<number, Pick<Job, 'id' | 'name'>>;

/** Jobs: sorted, filtered and paged by the server; select several and run them now. */
export default function JobsPage() {
  const me = useMe();
  const user = me.data;
  const [search, setSearch] = useSearchParams();
  const filters = filtersFromSearch(search);
  // Kind (managed backups or monitored jobs), grouping and archived live next to the filters.
  const extras = extrasFromSearch(search);
  const setFilters = (f: JobsFilters) => setSearch(extrasToSearch(filtersToSearch(f), extras), { replace: true });
  const setExtras = (x: Partial<JobListExtras>) =>
    setSearch(extrasToSearch(filtersToSearch({ ...filters, page: 1 }), { ...extras, ...x }), { replace: true });
  const monitored = extras.kind === 'monitored';
  const list = useJobsOfKind(filters, extras, PAGE_SIZE);
  const [heartbeat, setHeartbeat] = useState(false);
  const actions = useJobActions();
  const [picked, setPicked] = useState<Picked>(new Map());
  const [running, setRunning] = useState(false);
  const canRun = can(user, 'run') && !monitored && !extras.archived;

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
        {can(user, 'write') &&
          (monitored ? (
            <Button leftSection={<IconHeartbeat size={16} />} onClick={() => setHeartbeat(true)}>
              New heartbeat job
            </Button>
          ) : (
            <Button component={Link} to="/jobs/new" leftSection={<IconPlus size={16} />}>
              New job
            </Button>
          ))}
      </Group>
      <Group gap="md" align="center" wrap="wrap">
        <SegmentedControl
          aria-label="Kind of jobs"
          value={extras.kind}
          onChange={(kind) => {
            setPicked(new Map());
            setExtras({
              kind: kind === 'monitored' ? 'monitored' : 'backup',
              grouped: kind === 'monitored',
              archived: false,
            });
          }}
          data={[
            { value: 'backup', label: 'Managed backups' },
            { value: 'monitored', label: 'Monitored' },
          ]}
        />
        {monitored && (
          <Switch
            label="Group by customer"
            checked={extras.grouped}
            onChange={(e) => setExtras({ grouped: e.currentTarget.checked })}
          />
        )}
        <Switch
          label="Show archived"
          checked={extras.archived}
          onChange={(e) => setExtras({ archived: e.currentTarget.checked })}
        />
      </Group>
      <JobsFilterBar filters={filters} onChange={setFilters} />
      {monitored && <MonitoredJobsTransfer customerId={filters.customerId} user={user} />}
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
      <ListState
        error={list.error}
        loading={list.isLoading}
        empty={jobs.length === 0}
        emptyText={
          filters.q || filters.statuses.length || filters.customerId
            ? 'No jobs match these filters.'
            : extras.archived
              ? 'No archived jobs.'
              : monitored
                ? 'No monitored jobs yet. Approve report e-mails in the Inbox, or create a heartbeat job.'
                : 'No jobs yet. Create one with "New job".'
        }
      >
        {monitored ? (
          <MonitoredJobsTable
            jobs={jobs}
            sort={filters.sort}
            order={filters.order}
            onSort={(key) => setFilters(toggleSort(filters, key))}
            grouped={extras.grouped}
            user={user}
          />
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
      </ListState>
      <PagedFooter
        summary={total === 1 ? '1 job' : `${total} jobs`}
        page={filters.page}
        pages={pages}
        onPage={(page) => setFilters({ ...filters, page })}
      />
      <HeartbeatJobModal opened={heartbeat} onClose={() => setHeartbeat(false)} />
    </Stack>
  );
}
