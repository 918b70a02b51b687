import { Anchor, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { MonitoredJob } from '../../api/types';
import { formatDateTime, formatDuration } from '../../components/format';
import { InfoCard, InfoItem } from '../../components/InfoCard';
import { RunStatusChip } from '../../components/StatusChip';
import { FEED_LABEL } from './monitored-logic';
import { PingUrlPanel } from './PingUrlPanel';

/**
 * What a monitored job is: how its reports arrive (e-mail: sender, job name, subject pattern,
 * all set by the parser at approval; heartbeat: the ping URL) and when it is expected to run
 * (the schedule learned from its history).
 */
export function MonitoredJobInfo({ job }: { job: MonitoredJob }) {
  const m = job.monitor ?? null;
  const learned = job.learnedSchedule ?? null;
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <InfoCard title="Information">
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <InfoItem label="Customer">{job.customer.name}</InfoItem>
          <InfoItem label="Feed">{m ? FEED_LABEL[m.feed] : '—'}</InfoItem>
          <InfoItem label="Backup software">{job.software ?? '—'}</InfoItem>
          <InfoItem label="Backup type">{job.backupType ?? '—'}</InfoItem>
          {m?.feed !== 'heartbeat' && (
            <>
              <InfoItem label="Sender">{m?.sender ?? '—'}</InfoItem>
              <InfoItem label="Job name in reports">{m?.jobName ?? '—'}</InfoItem>
              <InfoItem label="Subject pattern">{m?.subjectPattern ? <code>{m.subjectPattern}</code> : '—'}</InfoItem>
            </>
          )}
          {m?.feed === 'heartbeat' && (
            <InfoItem label="Completion ping expected within">
              {formatDuration((m.maxRunSeconds ?? 86_400) * 1000)}
            </InfoItem>
          )}
          {job.description && <InfoItem label="Description">{job.description}</InfoItem>}
        </SimpleGrid>
        {m?.feed === 'email' && (
          <Text size="xs" c="dimmed" mt="sm">
            Set by the mail parser when the job was approved; reports that match are recorded as runs of this job.
          </Text>
        )}
      </InfoCard>
      <InfoCard title="Schedule">
        <Stack gap="sm">
          <InfoItem label="Learned schedule">
            {learned && learned.kind !== 'none' ? (
              <>
                <Text size="sm">{learned.text}</Text>
                <Text size="xs" c="dimmed">
                  From {learned.sampleCount} run{learned.sampleCount === 1 ? '' : 's'}
                  {learned.learnedAt ? `, learned ${formatDateTime(learned.learnedAt)}` : ''}
                </Text>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {learned?.text || 'No schedule learned yet: it is inferred after a few runs.'}
              </Text>
            )}
          </InfoItem>
          <InfoItem label="Last run">
            {job.lastRun ? (
              <Anchor component={Link} to={`/runs/${job.lastRun.id}`}>
                <RunStatusChip status={job.lastRun.status} />{' '}
                {formatDateTime(job.lastRun.finishedAt ?? job.lastRun.startedAt ?? job.lastRun.queuedAt)}
              </Anchor>
            ) : (
              'No report yet'
            )}
          </InfoItem>
        </Stack>
      </InfoCard>
      {m?.feed === 'heartbeat' && (
        <InfoCard title="Ping URL" style={{ gridColumn: '1 / -1' }}>
          {m.pingUrl ? (
            <PingUrlPanel pingUrl={m.pingUrl} />
          ) : (
            <Text size="sm" c="dimmed">
              Only administrators and operators can see the ping URL.
            </Text>
          )}
        </InfoCard>
      )}
    </SimpleGrid>
  );
}
