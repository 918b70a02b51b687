import { Alert, Grid, Group, Loader, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { formatDateTime } from '../../components/format';
import { useCustomers } from '../settings/queries';
import { useDashboard } from './dashboard-api';
import { FailingJobs, NextRuns, RunningNow } from './DashboardLists';
import { StatusCounts } from './StatusCounts';

const DashboardCharts = lazy(() => import('./DashboardCharts'));

/** / — what needs attention now: counts, failing jobs, running and next runs, daily charts. */
export default function DashboardPage() {
  const [customer, setCustomer] = useState<string | null>(null);
  const customers = useCustomers();
  const dash = useDashboard(customer ? Number(customer) : null);
  const d = dash.data;

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Dashboard</Title>
        <Select
          label="Customer"
          placeholder="All customers"
          data={(customers.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))}
          value={customer}
          onChange={setCustomer}
          clearable
          searchable
          w={{ base: '100%', xs: 260 }}
        />
      </Group>
      {dash.isError && <Alert color="red">{dash.error.message}</Alert>}
      {!d && dash.isLoading && <Loader />}
      {d && (
        <>
          <Grid>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <FailingJobs jobs={d.failingJobs} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, xs: 6, md: 3 }}>
              <StatusCounts title="Last 24 hours" counts={d.counts.last24h} sinceDays={1} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, xs: 6, md: 3 }}>
              <StatusCounts title="Last 7 days" counts={d.counts.last7d} sinceDays={7} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <RunningNow runs={d.running} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 6 }}>
              <NextRuns runs={d.nextRuns} />
            </Grid.Col>
          </Grid>
          <Suspense fallback={<Skeleton h={300} />}>
            <DashboardCharts days={d.days} timezone={d.timezone} />
          </Suspense>
          <Text size="xs" c="dimmed">
            Updated {formatDateTime(d.generatedAt)}
          </Text>
        </>
      )}
    </Stack>
  );
}
