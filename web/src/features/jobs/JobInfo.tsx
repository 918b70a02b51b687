import { Anchor, Card, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Job } from '../../api/types';
import { formatDateTime, formatRelative } from '../../components/format';
import { describeRetention, formatDuration } from '../../lib/core';
import { RunStatusChip } from '../../components/StatusChip';
import { CONDITION_OPTIONS } from './job-form';

const conditionLabel = (c: string) => CONDITION_OPTIONS.find((o) => o.value === c)?.label ?? c;

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </div>
  );
}

/** What the job does (information) and when (schedule), as the seeds' job window shows it. */
export function JobInfo({ job }: { job: Job }) {
  const compression = job.compression
    ? job.compression.algorithm === 'none'
      ? 'None'
      : `${job.compression.algorithm}${job.compression.level !== undefined ? `, level ${job.compression.level}` : ''}`
    : '—';
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Card withBorder>
        <Title order={4} mb="sm">
          Information
        </Title>
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <Item label="Customer">{job.customer.name}</Item>
          <Item label="Source">
            {job.source ? `${job.source.name} (${job.source.kind})` : '—'}
            {job.database && <Text size="sm">Database {job.database}</Text>}
          </Item>
          <Item label="Destinations">
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
          </Item>
          <Item label="Compression">{compression}</Item>
          <Item label="Encryption">{job.encryptionProfile ? job.encryptionProfile.name : 'Not encrypted'}</Item>
          <Item label="Timeout">{job.timeoutSeconds ? formatDuration(job.timeoutSeconds) : '—'}</Item>
          <Item label="Notifications">
            {job.notifications.length === 0
              ? 'None'
              : job.notifications.map((n) => (
                  <Text key={`${n.channel.id}-${n.condition}`} size="sm">
                    {n.channel.name}: {conditionLabel(n.condition).toLowerCase()}
                  </Text>
                ))}
          </Item>
          {job.description && <Item label="Description">{job.description}</Item>}
        </SimpleGrid>
      </Card>
      <Card withBorder>
        <Title order={4} mb="sm">
          Schedule
        </Title>
        <Stack gap="sm">
          <Item label="When">
            <Text>{job.scheduleText}</Text>
            {!job.enabled && (
              <Text size="sm" c="dimmed">
                Disabled: runs only when started by hand.
              </Text>
            )}
          </Item>
          <Item label="Next run">
            {job.nextRunAt ? `${formatDateTime(job.nextRunAt)} (${formatRelative(job.nextRunAt)})` : '—'}
          </Item>
          <Item label="Last run">
            {job.lastRun ? (
              <Anchor component={Link} to={`/runs/${job.lastRun.id}`}>
                <RunStatusChip status={job.lastRun.status} />{' '}
                {formatDateTime(job.lastRun.finishedAt ?? job.lastRun.queuedAt)}
              </Anchor>
            ) : (
              'Never'
            )}
          </Item>
        </Stack>
      </Card>
    </SimpleGrid>
  );
}
