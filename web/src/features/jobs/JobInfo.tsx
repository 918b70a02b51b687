import { Anchor, SimpleGrid, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import type { Job } from '../../api/types';
import { formatDateTime, formatRelative } from '../../components/format';
import { InfoCard, InfoItem } from '../../components/InfoCard';
import { describeRetention, formatDuration } from '../../lib/core';
import { RunStatusChip } from '../../components/StatusChip';
import { CONDITION_OPTIONS } from './job-form';

const conditionLabel = (c: string) => CONDITION_OPTIONS.find((o) => o.value === c)?.label ?? c;

/** What the job does (information) and when (schedule), as the seeds' job window shows it. */
export function JobInfo({ job }: { job: Job }) {
  const compression = job.compression
    ? job.compression.algorithm === 'none'
      ? 'None'
      : `${job.compression.algorithm}${job.compression.level !== undefined ? `, level ${job.compression.level}` : ''}`
    : '—';
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <InfoCard title="Information">
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <InfoItem plain label="Customer">
            {job.customer.name}
          </InfoItem>
          <InfoItem plain label="Source">
            {job.source ? `${job.source.name} (${job.source.kind})` : '—'}
            {job.database && <Text size="sm">Database {job.database}</Text>}
          </InfoItem>
          <InfoItem plain label="Destinations">
            <Stack gap={2}>
              {job.destinations.map((d) => (
                <Text key={d.id} size="sm">
                  {d.name}{' '}
                  <Text span size="sm" c="dimmed">
                    — {describeRetention(d.retention as Parameters<typeof describeRetention>[0])}
                  </Text>
                </Text>
              ))}
            </Stack>
          </InfoItem>
          <InfoItem plain label="Compression">
            {compression}
          </InfoItem>
          <InfoItem plain label="Encryption">
            {job.encryptionProfile ? job.encryptionProfile.name : 'Not encrypted'}
          </InfoItem>
          <InfoItem plain label="Timeout">
            {job.timeoutSeconds ? formatDuration(job.timeoutSeconds) : '—'}
          </InfoItem>
          <InfoItem plain label="Notifications">
            {job.notifications.length === 0
              ? 'None'
              : job.notifications.map((n) => (
                  <Text key={`${n.channel.id}-${n.condition}`} size="sm">
                    {n.channel.name}: {conditionLabel(n.condition).toLowerCase()}
                  </Text>
                ))}
          </InfoItem>
          {job.description && (
            <InfoItem plain label="Description">
              {job.description}
            </InfoItem>
          )}
        </SimpleGrid>
      </InfoCard>
      <InfoCard title="Schedule">
        <Stack gap="sm">
          <InfoItem plain label="When">
            <Text>{job.scheduleText}</Text>
            {!job.enabled && (
              <Text size="sm" c="dimmed">
                Disabled: runs only when started by hand.
              </Text>
            )}
          </InfoItem>
          <InfoItem plain label="Next run">
            {job.nextRunAt ? `${formatDateTime(job.nextRunAt)} (${formatRelative(job.nextRunAt)})` : '—'}
          </InfoItem>
          <InfoItem plain label="Last run">
            {job.lastRun ? (
              <Anchor component={Link} to={`/runs/${job.lastRun.id}`}>
                <RunStatusChip status={job.lastRun.status} />{' '}
                {formatDateTime(job.lastRun.finishedAt ?? job.lastRun.queuedAt)}
              </Anchor>
            ) : (
              'Never'
            )}
          </InfoItem>
        </Stack>
      </InfoCard>
    </SimpleGrid>
  );
}
