import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconPlayerStop } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import type { Run } from '../../api/types';
import { useRunEvents } from '../../api/use-run-events';
import { RunStatusChip } from '../../components/StatusChip';
import { formatBytes, formatDateTime, formatDuration, formatRate } from '../../components/format';
import { can, useMe } from '../auth/session';
import { LogPanel } from './LogPanel';
import { RunArtifacts } from './RunArtifacts';
import { RunSteps } from './RunSteps';
import { useCancelRun } from './run-queries';
import { useElapsed } from './use-elapsed';

const OPERATION: Record<Run['operation'], string> = {
  backup: 'Backup',
  restore: 'Restore',
  verify: 'Verification',
  system: 'System task',
};

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} size="lg">
        {value}
      </Text>
    </div>
  );
}

/**
 * One run, live: status, steps, bytes, rate, elapsed time and the log stream over SSE (no
 * reload), cancel while it is queued or running, and the backups it stored.
 */
export function RunView({ initial }: { initial: Run }) {
  const me = useMe();
  const live = useRunEvents(initial.id);
  const run = live.run ?? initial;
  const elapsed = useElapsed(run);
  const cancel = useCancelRun(run.id);
  const active = run.status === 'queued' || run.status === 'running';
  const cancelRequested = (run as Run & { cancelRequested?: boolean }).cancelRequested === true;

  const onCancel = () =>
    cancel.mutate(undefined, {
      onSuccess: (r) =>
        notifications.show({
          message: r.status === 'cancelled' ? `Run #${r.id} cancelled` : `Cancelling run #${r.id}…`,
        }),
      onError: (err) => notifications.show({ color: 'red', title: 'Cancel failed', message: err.message }),
    });

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <RunStatusChip status={run.status} />
            <Badge variant="outline" color="gray">
              {OPERATION[run.operation] ?? run.operation}
            </Badge>
            {live.connected && (
              <Badge variant="dot" color="blue">
                Live
              </Badge>
            )}
          </Group>
          <Text size="sm">
            Job{' '}
            <Anchor component={Link} to={`/jobs/${run.jobId}`}>
              {run.jobName ?? `#${run.jobId}`}
            </Anchor>{' '}
            · trigger {run.trigger} · queued {formatDateTime(run.queuedAt)}
            {run.startedAt ? ` · started ${formatDateTime(run.startedAt)}` : ''}
            {run.finishedAt ? ` · finished ${formatDateTime(run.finishedAt)}` : ''}
          </Text>
        </Stack>
        {active && can(me.data, 'run') && (
          <Button
            color="red"
            variant="light"
            leftSection={<IconPlayerStop size={16} />}
            onClick={onCancel}
            loading={cancel.isPending}
            disabled={cancelRequested}
          >
            {cancelRequested ? 'Cancelling…' : 'Cancel run'}
          </Button>
        )}
      </Group>

      <Card withBorder>
        <RunSteps run={run} />
        <SimpleGrid cols={{ base: 2, sm: 4 }} mt="md">
          <Stat label="Bytes read" value={formatBytes(run.bytesRead)} />
          <Stat label="Bytes written" value={formatBytes(run.bytesWritten)} />
          <Stat label="Rate" value={run.rate ? formatRate(run.rate) : '—'} />
          <Stat label="Elapsed" value={formatDuration(elapsed)} />
        </SimpleGrid>
      </Card>

      {run.error && (
        <Alert color="red" icon={<IconAlertCircle size={18} />} title="Error">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {run.error}
          </Text>
        </Alert>
      )}

      <Title order={3}>Log</Title>
      <LogPanel lines={live.logs} live={active} />

      {run.operation === 'backup' && run.backupIds.length > 0 && (
        <>
          <Title order={3}>Artifacts</Title>
          <RunArtifacts backupIds={run.backupIds} />
        </>
      )}
    </Stack>
  );
}
