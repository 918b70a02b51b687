import { Alert, Anchor, Breadcrumbs, Button, Group, Loader, Stack, Title } from '@mantine/core';
import { IconPencil, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { JobStatusChip } from '../../components/StatusChip';
import { can, useMe } from '../auth/session';
import { MonitoredJobButtons } from '../monitored/MonitoredJobActions';
import { MonitoredJobInfo } from '../monitored/MonitoredJobInfo';
import { MonitoredRunsTable } from '../monitored/MonitoredRunsTable';
import { JobActionsMenu } from './JobActionsMenu';
import { JobInfo } from './JobInfo';
import { JobRunsTable } from './JobRunsTable';
import { useJob } from './queries';
import { useJobActions } from './use-job-actions';
import { ErrorAlert } from '../../components/ErrorAlert';

/** /jobs/:id: information, schedule, latest executions; Run now opens the new run's live view. */
export default function JobDetailPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const me = useMe();
  const job = useJob(id);
  const actions = useJobActions();
  const [starting, setStarting] = useState(false);

  if (job.error) return <ErrorAlert error={job.error} title="Job not available" />;
  if (!job.data) return <Loader />;
  const j = job.data;
  const monitored = j.kind === 'monitored';

  const runNow = async () => {
    setStarting(true);
    const run = await actions.runNow(j);
    setStarting(false);
    if (run) navigate(`/runs/${run.id}`);
  };

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={monitored ? '/jobs?kind=monitored' : '/jobs'}>
          Jobs
        </Anchor>
        <span>{j.name}</span>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start">
        <Group gap="sm">
          <Title order={2}>{j.name}</Title>
          <JobStatusChip status={j.status} />
        </Group>
        <Group gap="xs">
          {j.activeRunId && (
            <Button component={Link} to={`/runs/${j.activeRunId}`} variant="light">
              Watch run #{j.activeRunId}
            </Button>
          )}
          {can(me.data, 'run') && !monitored && (
            <Button leftSection={<IconPlayerPlay size={16} />} loading={starting} onClick={() => void runNow()}>
              Run now
            </Button>
          )}
          {can(me.data, 'write') && j.kind === 'backup' && (
            <Button variant="default" leftSection={<IconPencil size={16} />} component={Link} to={`/jobs/${j.id}/edit`}>
              Edit
            </Button>
          )}
          {j.kind === 'backup' && (
            <JobActionsMenu job={j} user={me.data} withRunAndEdit={false} onGone={() => navigate('/jobs')} />
          )}
          {monitored && (
            <MonitoredJobButtons job={j} user={me.data} onDeleted={() => navigate('/jobs?kind=monitored')} />
          )}
        </Group>
      </Group>
      {j.archived && (
        <Alert color="gray">
          {monitored
            ? 'This job is archived: it is hidden from the jobs list and daily views. Its reports are still recorded as runs, never in the Inbox.'
            : 'This job is archived: it does not run and is hidden from the list.'}
        </Alert>
      )}
      {monitored ? <MonitoredJobInfo job={j} /> : <JobInfo job={j} />}
      {monitored ? <MonitoredRunsTable jobId={j.id} /> : <JobRunsTable jobId={j.id} />}
    </Stack>
  );
}
