import { Button, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { IconMail } from '@tabler/icons-react';
import { useState } from 'react';
import type { ReportedRun } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, formatDuration } from '../../components/format';
import { ObjectsTable } from '../../components/ObjectsTable';
import { RunStatusChip } from '../../components/StatusChip';
import { JobRunsSection, RunCells } from '../jobs/JobRunsSection';
import { MailView } from '../inbox/MailView';
import { useInstanceTimezone, useMail } from '../inbox/queries';
import { effectiveStatus } from './monitored-logic';

/** A run's report e-mail, read-only (the same view as the Inbox, without approve). */
function RunMailModal({ run, onClose }: { run: ReportedRun | null; onClose: () => void }) {
  const mailId = run?.mailId ?? null;
  const mail = useMail(mailId);
  const timeZone = useInstanceTimezone();
  return (
    <Modal
      opened={run !== null}
      onClose={onClose}
      size="80rem"
      title={run ? (mail.data?.subject ?? `Run #${run.id}`) : ''}
      styles={{ title: { fontWeight: 600, overflowWrap: 'anywhere' } }}
    >
      {run && mailId === null ? (
        <Stack>
          <Text size="sm" c="dimmed">
            This run has no e-mail (it was reported another way).
          </Text>
          {(run.objects ?? []).length > 0 && <ObjectsTable objects={run.objects ?? []} />}
        </Stack>
      ) : mail.error ? (
        <ErrorAlert error={mail.error} />
      ) : !mail.data ? (
        <Loader />
      ) : (
        <MailView mail={mail.data} timeZone={timeZone} />
      )}
    </Modal>
  );
}

/**
 * The run history of a monitored job, newest first: status (and the status it counts as when an
 * override applies), when it was reported, its objects, and its e-mail in the safe viewer.
 */
export function MonitoredRunsTable({ jobId }: { jobId: number }) {
  const [viewing, setViewing] = useState<ReportedRun | null>(null);
  return (
    <>
      <JobRunsSection jobId={jobId} title="Run history" emptyText="No report received yet.">
        {(runs) => (
          <DataTable
            minWidth={820}
            striped
            highlightOnHover
            aria-label="Run history"
            head={['Run', 'Status', 'Counts as', 'Started', 'Ended', 'Duration', 'Objects', 'Report']}
          >
            {(runs as ReportedRun[]).map((r) => {
              const effective = effectiveStatus(r);
              return (
                <Table.Tr key={r.id} data-run={r.id}>
                  <RunCells run={r} />
                  <Table.Td>
                    {effective !== r.status || r.overridden ? (
                      <Group gap={4} wrap="nowrap">
                        <RunStatusChip status={effective} />
                        <Text size="xs" c="blue">
                          override
                        </Text>
                      </Group>
                    ) : (
                      <Text size="sm" c="dimmed">
                        same
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{formatDateTime(r.startedAt ?? r.queuedAt)}</Table.Td>
                  <Table.Td>{formatDateTime(r.finishedAt)}</Table.Td>
                  <Table.Td>{formatDuration(r.durationMs)}</Table.Td>
                  <Table.Td>{r.objects ? r.objects.length : '—'}</Table.Td>
                  <Table.Td>
                    {r.mailId ? (
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconMail size={14} />}
                        onClick={() => setViewing(r)}
                        aria-label={`View e-mail of run #${r.id}`}
                      >
                        View e-mail
                      </Button>
                    ) : (r.objects ?? []).length > 0 ? (
                      <Button size="xs" variant="subtle" onClick={() => setViewing(r)}>
                        Objects
                      </Button>
                    ) : (
                      <Text size="sm" c="dimmed">
                        —
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </DataTable>
        )}
      </JobRunsSection>
      <RunMailModal run={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
