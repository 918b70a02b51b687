import { Alert, Anchor, Breadcrumbs, Loader, Stack, Title } from '@mantine/core';
import { Link, useParams } from 'react-router-dom';
import { can, useMe } from '../auth/session';
import { JobForm } from './JobForm';
import { emptyValues, valuesFromJob } from './job-form';
import { useCustomerList, useInstanceTimezone, useJob } from './queries';
import { ErrorAlert } from '../../components/ErrorAlert';

/** /jobs/new and /jobs/:id/edit. */
export default function JobEditorPage() {
  const { id } = useParams();
  const me = useMe();
  const job = useJob(id);
  const customers = useCustomerList();
  const timezone = useInstanceTimezone();
  const title = id ? `Edit ${job.data?.name ?? 'job'}` : 'New job';

  let body;
  if (!can(me.data, 'write')) body = <Alert color="yellow">Your role cannot create or change jobs.</Alert>;
  else if (job.error || customers.error) body = <ErrorAlert error={job.error ?? customers.error} />;
  else if ((id && !job.data) || !customers.data || !timezone) body = <Loader />;
  else {
    const active = customers.data.filter((c) => c.active || c.id === job.data?.customer.id);
    const initial = job.data
      ? valuesFromJob(job.data, timezone)
      : emptyValues(timezone, active.length === 1 ? String(active[0]!.id) : null);
    // Keyed by job: going from one job's editor to another starts a fresh form.
    body = (
      <JobForm
        key={job.data?.id ?? 'new'}
        job={job.data ?? null}
        initialValues={initial}
        customers={active}
        defaultTimezone={timezone}
      />
    );
  }
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to="/jobs">
          Jobs
        </Anchor>
        {job.data && (
          <Anchor component={Link} to={`/jobs/${job.data.id}`}>
            {job.data.name}
          </Anchor>
        )}
      </Breadcrumbs>
      <Title order={2}>{title}</Title>
      {body}
    </Stack>
  );
}
