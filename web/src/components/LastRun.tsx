import { Anchor, Group, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Run } from '../api/types';
import { formatDateTime, formatRelative } from './format';
import { RunStatusChip } from './StatusChip';

type RunRef = Pick<Run, 'id' | 'status' | 'queuedAt' | 'finishedAt'>;

/** A jobs list's last-run cell: the run's status chip (a link to it) and how long ago it ended. */
export function LastRunCell({ run, none }: { run: RunRef | null | undefined; none: string }) {
  if (!run)
    return (
      <Text size="sm" c="dimmed">
        {none}
      </Text>
    );
  return (
    <Group gap={6} wrap="nowrap">
      <Anchor component={Link} to={`/runs/${run.id}`} aria-label={`Last run #${run.id}`}>
        <RunStatusChip status={run.status} />
      </Anchor>
      <Tooltip label={formatDateTime(run.finishedAt ?? run.queuedAt)}>
        <Text size="xs" c="dimmed">
          {formatRelative(run.finishedAt ?? run.queuedAt)}
        </Text>
      </Tooltip>
    </Group>
  );
}
