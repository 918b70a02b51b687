import { Alert, Anchor, Badge, Button, Card, Group, Loader, Stack, Text } from '@mantine/core';
import { IconCheck, IconChevronDown, IconChevronUp, IconRotate } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { CheckedRun } from '../../api/types';
import { formatDuration } from '../../components/format';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ObjectsTable } from '../../components/ObjectsTable';
import { SafeMailBody } from '../../components/SafeMailBody';
import { RunStatusChip } from '../../components/StatusChip';
import { LogPanel } from '../runs/LogPanel';
import { RunArtifacts } from '../runs/RunArtifacts';
import { useMail, useRunLog } from './queries';
import { formatInZone } from './review-time';
import { canMarkSuccess, effectiveOf, runTime } from './run-checks-logic';

/** The report e-mail of a run, in the sandboxed viewer. */
function RunMail({ mailId, timeZone }: { mailId: number; timeZone: string }) {
  const mail = useMail(mailId, true);
  if (mail.isLoading) return <Loader size="sm" />;
  if (mail.error) return <ErrorAlert error={mail.error} />;
  if (!mail.data) return null;
  const m = mail.data;
  return (
    <Stack gap={4}>
      <Text size="sm">
        <b>{m.subject}</b> · from {m.from} · received {formatInZone(m.receivedAt, timeZone)} ·{' '}
        <Anchor href={`/api/mail/${m.id}/eml`} download>
          Download .eml
        </Anchor>
      </Text>
      <SafeMailBody html={m.bodyHtml} text={m.bodyText} title={`E-mail body: ${m.subject}`} height={360} />
    </Stack>
  );
}

function RunLog({ runId }: { runId: number }) {
  const log = useRunLog(runId, true);
  if (log.isLoading) return <Loader size="sm" />;
  if (log.error) return <ErrorAlert error={log.error} />;
  return <LogPanel lines={log.data?.items ?? []} live={false} />;
}

/**
 * One run in the Run Checks drawer: status (original and effective), times, review state,
 * objects, error, artifacts, and its e-mail (reports) or log (everything else) on demand.
 */
export function RunCard({
  run,
  timeZone,
  isAdmin,
  writable,
  defaultOpen,
  busy,
  onMarkSuccess,
  onUndo,
}: {
  run: CheckedRun;
  timeZone: string;
  isAdmin: boolean;
  writable: boolean;
  defaultOpen: boolean;
  busy: boolean;
  onMarkSuccess: (run: CheckedRun) => void;
  onUndo: (run: CheckedRun) => void;
}) {
  const [open, setOpen] = useState(defaultOpen);
  const effective = effectiveOf(run);
  const overridden = !!run.overridden && effective !== run.status;
  const what = run.mailId ? 'e-mail' : 'log';
  return (
    <Card withBorder component="section" aria-label={`Run #${run.id}`} data-run={run.id}>
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Stack gap={4}>
            <Group gap="xs">
              <Anchor component={Link} to={`/runs/${run.id}`} fw={600} size="sm">
                Run #{run.id}
              </Anchor>
              <RunStatusChip status={effective} overridden={overridden || !!run.overridden} original={run.status} />
              {overridden && (
                <Text size="xs" c="dimmed">
                  reported as {run.statusLabel || run.status}
                </Text>
              )}
            </Group>
            <Text size="xs" c="dimmed">
              {formatInZone(runTime(run), timeZone)}
              {run.finishedAt && run.finishedAt !== runTime(run) ? ` → ${formatInZone(run.finishedAt, timeZone)}` : ''}
              {run.durationMs ? ` · ${formatDuration(run.durationMs)}` : ''} · {run.trigger}
            </Text>
            {run.reviewedAt ? (
              <Group gap={4}>
                <IconCheck size={14} color="var(--mantine-color-green-7)" aria-hidden />
                <Text size="xs">
                  Reviewed by {run.reviewedBy?.username ?? 'system'} · {formatInZone(run.reviewedAt, timeZone)}
                </Text>
              </Group>
            ) : (
              <Badge size="sm" variant="dot" color="orange" tt="none">
                Not reviewed
              </Badge>
            )}
          </Stack>
          <Group gap="xs">
            {writable && canMarkSuccess(run) && (
              <Button size="xs" variant="light" color="blue" onClick={() => onMarkSuccess(run)} disabled={busy}>
                Mark as success
              </Button>
            )}
            {isAdmin && run.reviewedAt && (
              <Button
                size="xs"
                variant="subtle"
                leftSection={<IconRotate size={14} />}
                onClick={() => onUndo(run)}
                disabled={busy}
              >
                Undo review
              </Button>
            )}
          </Group>
        </Group>

        {run.error && (
          <Alert color={run.status === 'warning' ? 'orange' : 'red'} p="xs">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {run.error}
            </Text>
          </Alert>
        )}
        <ObjectsTable
          objects={run.objects ?? []}
          label={`Objects of run #${run.id}`}
          nameHeader="Object"
          minWidth={480}
          empty={null}
        />
        {run.backupIds.length > 0 && (
          <Stack gap={4}>
            <Group justify="space-between">
              <Text size="sm" fw={600}>
                Artifacts
              </Text>
              <Anchor component={Link} to="/backups" size="xs">
                All backups
              </Anchor>
            </Group>
            <RunArtifacts backupIds={run.backupIds} />
          </Stack>
        )}
        <div>
          <Button
            size="xs"
            variant="subtle"
            px={0}
            aria-expanded={open}
            leftSection={open ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
            onClick={() => setOpen((o) => !o)}
          >
            {open ? `Hide ${what}` : `Show ${what}`}
          </Button>
          {open && (run.mailId ? <RunMail mailId={run.mailId} timeZone={timeZone} /> : <RunLog runId={run.id} />)}
        </div>
      </Stack>
    </Card>
  );
}
