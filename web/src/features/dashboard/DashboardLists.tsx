import { Anchor, Group, Progress, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Run } from '../../api/types';
import { RunStatusChip } from '../../components/StatusChip';
import { formatBytes, formatDateTime, formatDuration, formatRate, formatRelative } from '../../components/format';
import { useElapsed } from '../runs/use-elapsed';
import { stepLabel } from '../runs/run-steps-logic';
import type { Dashboard } from './dashboard-api';
import { Section } from './Section';

function Empty({ children }: { children: string }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}

/** Jobs whose last finished run failed, timed out or was missed, newest failure first. */
export function FailingJobs({ jobs }: { jobs: Dashboard['failingJobs'] }) {
  return (
    <Section
      title="Failing jobs"
      extra={
        jobs.length ? (
          <Text c="red" fw={700}>
            {jobs.length}
          </Text>
        ) : undefined
      }
    >
      {jobs.length === 0 ? (
        <Empty>No failing jobs.</Empty>
      ) : (
        <Stack gap="sm" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {jobs.map((j) => (
            <li key={j.id}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/jobs/${j.id}`} fw={600}>
                    {j.name}
                  </Anchor>
                  {j.lastRun && (
                    <Text size="xs" c="dimmed" lineClamp={2}>
                      <Anchor component={Link} to={`/runs/${j.lastRun.id}`} inherit>
                        Run #{j.lastRun.id}
                      </Anchor>{' '}
                      {formatRelative(j.lastRun.finishedAt ?? j.lastRun.queuedAt)}
                      {j.lastRun.error ? ` — ${j.lastRun.error}` : ''}
                    </Text>
                  )}
                </div>
                {j.lastRun && (
                  <div style={{ flexShrink: 0 }}>
                    <RunStatusChip status={j.lastRun.status} />
                  </div>
                )}
              </Group>
            </li>
          ))}
        </Stack>
      )}
    </Section>
  );
}

const stepsDone = (r: Run) => r.steps.filter((s) => s.status === 'done' || s.status === 'skipped').length;

function RunningItem({ run }: { run: Run }) {
  const elapsed = useElapsed(run);
  const total = run.steps.length || 6;
  const value = run.status === 'queued' ? 0 : Math.max(5, (stepsDone(run) / total) * 100);
  return (
    <li>
      <Group justify="space-between" wrap="nowrap">
        <Anchor component={Link} to={`/runs/${run.id}`} fw={600}>
          {run.jobName ?? `Job #${run.jobId}`} · Run #{run.id}
        </Anchor>
        <div style={{ flexShrink: 0 }}>
          <RunStatusChip status={run.status} />
        </div>
      </Group>
      <Progress
        value={value}
        animated={run.status === 'running'}
        striped={run.status === 'running'}
        mt={4}
        aria-label={`Progress of run #${run.id}`}
      />
      <Text size="xs" c="dimmed" mt={2}>
        {run.status === 'queued'
          ? `Waiting since ${formatDateTime(run.queuedAt)}`
          : `${run.step ? stepLabel(run.step) : 'Starting'} · ${formatBytes(run.bytesWritten)} written · ${
              run.rate ? formatRate(run.rate) : '—'
            } · ${formatDuration(elapsed)}`}
      </Text>
    </li>
  );
}

/** Queued and running runs, with live progress (the dashboard refreshes every 2 s while any run). */
export function RunningNow({ runs }: { runs: Run[] }) {
  return (
    <Section title="Running now">
      {runs.length === 0 ? (
        <Empty>Nothing is running.</Empty>
      ) : (
        <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {runs.map((r) => (
            <RunningItem key={r.id} run={r} />
          ))}
        </Stack>
      )}
    </Section>
  );
}

/** The next scheduled fires. */
export function NextRuns({ runs }: { runs: Dashboard['nextRuns'] }) {
  return (
    <Section title="Next runs">
      {runs.length === 0 ? (
        <Empty>No scheduled runs.</Empty>
      ) : (
        <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {runs.map((n) => (
            <li key={n.jobId}>
              <Group justify="space-between" wrap="nowrap" align="flex-start">
                <div style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/jobs/${n.jobId}`} fw={600}>
                    {n.jobName}
                  </Anchor>
                  <Text size="xs" c="dimmed" truncate>
                    {n.scheduleText}
                  </Text>
                </div>
                <Text size="sm" ta="right" title={formatDateTime(n.at)} style={{ whiteSpace: 'nowrap' }}>
                  {formatRelative(n.at)}
                  <Text span display="block" size="xs" c="dimmed">
                    {formatDateTime(n.at)}
                  </Text>
                </Text>
              </Group>
            </li>
          ))}
        </Stack>
      )}
    </Section>
  );
}
