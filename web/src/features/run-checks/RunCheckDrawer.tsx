import { Alert, Anchor, Badge, Button, Drawer, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconMessagePlus, IconTicket } from '@tabler/icons-react';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { CheckedRun } from '../../api/types';
import { RemarkModal } from '../tickets/RemarkModal';
import { TicketModal } from '../tickets/TicketModal';
import { useSaveRemark, useSaveTicket } from '../tickets/queries';
import { MarkSuccessModal } from './MarkSuccessModal';
import { useReviewJobs, useRunCheckJob, useUnreview } from './queries';
import { formatDateInZone, formatInZone } from './review-time';
import { ReviewIndicators } from './ReviewIndicators';
import { RunCard } from './RunCard';
import { mergeRuns, runOptionLabel } from './run-checks-logic';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * One job of Run Checks (/run-checks/:jobId): its unreviewed runs (and, for admins with "Show
 * reviewed", the recently reviewed ones), its open remarks and tickets, and the actions: Mark as
 * reviewed (every unreviewed run of the job), Mark as success (per run, optionally with an
 * override), Create remark, Create ticket (neither reviews), Undo review (admins).
 */
export function RunCheckDrawer({
  jobId,
  includeReviewed,
  isAdmin,
  writable,
  timeZone,
  onClose,
}: {
  jobId: number | null;
  includeReviewed: boolean;
  isAdmin: boolean;
  writable: boolean;
  timeZone: string;
  onClose: () => void;
}) {
  // While the drawer slides out (jobId null), it keeps showing the job it showed.
  const [shownId, setShownId] = useState(jobId);
  if (jobId !== null && jobId !== shownId) setShownId(jobId);
  const detail = useRunCheckJob(shownId, includeReviewed);
  const review = useReviewJobs();
  const unreview = useUnreview();
  const saveRemark = useSaveRemark();
  const saveTicket = useSaveTicket();
  /** Runs changed here (marked as success, review undone): shown in their new state until the drawer closes. */
  const [handled, setHandled] = useState<Map<number, CheckedRun>>(new Map());
  const [marking, setMarking] = useState<CheckedRun | null>(null);
  const [modal, setModal] = useState<'remark' | 'ticket' | null>(null);

  useEffect(() => {
    // Opened (again) on a job: start from what the server says.
    if (jobId === null) return;
    setHandled(new Map());
    setMarking(null);
    setModal(null);
  }, [jobId]);

  const data = detail.data?.job.id === shownId ? detail.data : undefined;
  const runs = useMemo(() => mergeRuns(data?.runs ?? [], handled), [data, handled]);
  const unreviewed = runs.filter((r) => !r.reviewedAt);
  const remember = (run: CheckedRun) => setHandled((m) => new Map(m).set(run.id, run));
  const newest = unreviewed[0] ?? runs[0];
  const jobName = data?.job.name ?? '';
  const runOptions = runs.map((r) => ({
    value: String(r.id),
    label: runOptionLabel(r, (iso) => formatInZone(iso, timeZone)),
  }));
  const failingObjects = [
    ...new Set(
      unreviewed.flatMap((r) =>
        (r.objects ?? []).filter((o) => o.status === 'warning' || o.status === 'failed').map((o) => o.name),
      ),
    ),
  ];

  const markReviewed = () =>
    shownId !== null &&
    review.mutate([shownId], {
      onSuccess: (r) => {
        notifications.show({
          color: 'green',
          message: `${jobName}: ${r.reviewed === 1 ? '1 run' : `${r.reviewed} runs`} marked as reviewed`,
        });
        if (!includeReviewed) onClose();
      },
      onError: (err) => notifications.show({ color: 'red', title: 'Not reviewed', message: err.message }),
    });

  const undo = (run: CheckedRun) =>
    unreview.mutate(run.id, {
      onSuccess: (r) => {
        remember(r);
        notifications.show({ message: `Run #${run.id} is back in Run Checks` });
      },
      onError: (err) => notifications.show({ color: 'red', title: 'Review not undone', message: err.message }),
    });

  return (
    <Drawer
      opened={jobId !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title={
        <Title order={3} component="span">
          {jobName || 'Job'}
        </Title>
      }
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      {detail.isLoading || (!data && !detail.error) ? (
        <Loader />
      ) : detail.error ? (
        <ErrorAlert error={detail.error} />
      ) : data ? (
        <Stack>
          <Group justify="space-between" align="flex-start">
            <Stack gap={2}>
              <Text size="sm">
                {data.job.customer.name}
                {data.job.software ? ` · ${data.job.software}` : ''}
                {data.job.backupType ? ` · ${data.job.backupType}` : ''}
              </Text>
              <Group gap="xs">
                <Text size="sm" fw={500}>
                  {unreviewed.length === 1 ? '1 run to review' : `${unreviewed.length} runs to review`}
                </Text>
                <ReviewIndicators
                  hasOpenRemark={data.remarks.some((r) => !r.resolvedAt)}
                  hasOpenTicket={data.tickets.some((t) => !t.resolvedAt)}
                />
              </Group>
            </Stack>
            <Anchor component={Link} to={`/jobs/${data.job.id}`} size="sm">
              Open job
            </Anchor>
          </Group>

          {writable && (
            <Group gap="xs">
              <Button
                color="green"
                leftSection={<IconCheck size={16} />}
                onClick={markReviewed}
                loading={review.isPending}
                disabled={unreviewed.length === 0}
              >
                Mark as reviewed
              </Button>
              <Button variant="default" leftSection={<IconMessagePlus size={16} />} onClick={() => setModal('remark')}>
                Create remark
              </Button>
              <Button variant="default" leftSection={<IconTicket size={16} />} onClick={() => setModal('ticket')}>
                Create ticket
              </Button>
            </Group>
          )}

          {runs.length > 0 && unreviewed.length === 0 && (
            <Alert color="green" icon={<IconCheck size={18} />} title="All runs of this job are reviewed">
              <Button size="xs" variant="light" color="green" onClick={onClose} mt={4}>
                Back to Run Checks
              </Button>
            </Alert>
          )}

          {(data.remarks.length > 0 || data.tickets.length > 0) && (
            <Stack gap="xs" aria-label="Remarks and tickets" component="section">
              {data.tickets.map((t) => (
                <Paper key={`t${t.id}`} withBorder p="xs">
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <div>
                      <Text size="sm" fw={600}>
                        🎫 {t.code}
                        {t.resolvedAt && (
                          <Badge ml="xs" size="xs" color="gray" tt="none">
                            resolved
                          </Badge>
                        )}
                      </Text>
                      {t.description && (
                        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                          {t.description}
                        </Text>
                      )}
                      <Text size="xs" c="dimmed">
                        since {formatDateInZone(t.startDate ?? t.createdAt, timeZone)}
                        {t.runId ? ` · run #${t.runId}` : ''}
                      </Text>
                    </div>
                    {writable && !t.resolvedAt && (
                      <Button
                        size="xs"
                        variant="subtle"
                        aria-label={`Resolve ticket ${t.code}`}
                        loading={saveTicket.isPending && saveTicket.variables?.id === t.id}
                        onClick={() => saveTicket.mutate({ id: t.id, body: { resolvedAt: new Date().toISOString() } })}
                      >
                        Resolve
                      </Button>
                    )}
                  </Group>
                </Paper>
              ))}
              {data.remarks.map((r) => (
                <Paper key={`r${r.id}`} withBorder p="xs">
                  <Group justify="space-between" wrap="nowrap" align="flex-start">
                    <div>
                      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                        💬 {r.text}
                        {r.resolvedAt && (
                          <Badge ml="xs" size="xs" color="gray" tt="none">
                            resolved
                          </Badge>
                        )}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {r.createdBy?.username ?? '—'} · {formatDateInZone(r.startDate ?? r.createdAt, timeZone)}
                        {r.runId ? ` · run #${r.runId}` : ''}
                      </Text>
                    </div>
                    {writable && !r.resolvedAt && (
                      <Button
                        size="xs"
                        variant="subtle"
                        aria-label={`Resolve remark #${r.id}`}
                        loading={saveRemark.isPending && saveRemark.variables?.id === r.id}
                        onClick={() => saveRemark.mutate({ id: r.id, body: { resolvedAt: new Date().toISOString() } })}
                      >
                        Resolve
                      </Button>
                    )}
                  </Group>
                </Paper>
              ))}
            </Stack>
          )}

          {runs.length === 0 ? (
            <Text c="dimmed">This job has no runs to review.</Text>
          ) : (
            runs.map((r, i) => (
              <RunCard
                key={r.id}
                run={r}
                timeZone={timeZone}
                isAdmin={isAdmin}
                writable={writable}
                defaultOpen={i === 0}
                busy={unreview.isPending}
                onMarkSuccess={setMarking}
                onUndo={undo}
              />
            ))
          )}
        </Stack>
      ) : null}

      <MarkSuccessModal
        run={marking}
        jobName={jobName}
        timeZone={timeZone}
        onClose={() => setMarking(null)}
        onDone={remember}
      />
      {data && (
        <>
          <RemarkModal
            opened={modal === 'remark'}
            onClose={() => setModal(null)}
            preset={{ jobId: data.job.id, jobName: data.job.name, runId: newest?.id ?? null, runs: runOptions }}
            timeZone={timeZone}
          />
          <TicketModal
            opened={modal === 'ticket'}
            onClose={() => setModal(null)}
            preset={newest ? { runId: newest.id, jobId: data.job.id, objectNames: failingObjects } : null}
            timeZone={timeZone}
          />
        </>
      )}
    </Drawer>
  );
}
