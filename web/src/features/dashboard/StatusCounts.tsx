import { Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { useNavigate } from 'react-router-dom';
import type { RunStatus } from '../../api/types';
import { RunStatusChip } from '../../components/StatusChip';
import { Section } from './Section';

/** Order of the counts: outcomes that need attention first, then what is going on. */
const SHOWN: RunStatus[] = ['failed', 'timed_out', 'missed', 'warning', 'success', 'cancelled', 'running', 'queued'];
const ALWAYS = new Set<RunStatus>(['failed', 'warning', 'success', 'running']);

/** Run counts by status over a period; each count opens History filtered on that status. */
export function StatusCounts({
  title,
  counts,
  sinceDays,
}: {
  title: string;
  counts: Record<RunStatus, number>;
  sinceDays: number;
}) {
  const navigate = useNavigate();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const since = new Date(Date.now() - sinceDays * 86_400_000);
  const from = `${since.getFullYear()}-${String(since.getMonth() + 1).padStart(2, '0')}-${String(since.getDate()).padStart(2, '0')}`;
  return (
    <Section
      title={title}
      extra={
        <Text size="sm" c="dimmed">
          {total === 1 ? '1 run' : `${total} runs`}
        </Text>
      }
    >
      <Stack gap={6}>
        {SHOWN.filter((s) => ALWAYS.has(s) || counts[s] > 0).map((s) => (
          <UnstyledButton
            key={s}
            onClick={() => navigate(`/history?status=${s}&from=${from}`)}
            aria-label={`${counts[s]} ${s.replace('_', ' ')} in the ${title.toLowerCase()}`}
            data-status={s}
          >
            <Group justify="space-between" wrap="nowrap">
              <RunStatusChip status={s} />
              <Text fw={700} c={counts[s] === 0 ? 'dimmed' : undefined}>
                {counts[s]}
              </Text>
            </Group>
          </UnstyledButton>
        ))}
      </Stack>
    </Section>
  );
}
