import { NumberInput, Switch, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { patch } from '../../api/client';
import type { Job, JobMonitor, MonitoredJob } from '../../api/types';
import { FormButtons, FormFrame, FormModal } from '../../components/FormModal';

export type EditableMonitoredJob = Pick<Job, 'id' | 'name' | 'description' | 'enabled'> & {
  monitor?: JobMonitor | null;
};

const DEFAULT_MAX_RUN_SECONDS = 86_400;

/**
 * Edit of a monitored job: what Keepwatch owns (name, description, enabled and, for heartbeat
 * jobs, how long a started run waits for its completion ping). The matching (software, type,
 * job name, sender) comes from the approved report and is not editable.
 */
export function EditMonitoredJobModal({
  job,
  opened,
  onClose,
}: {
  job: EditableMonitoredJob;
  opened: boolean;
  onClose: () => void;
}) {
  return (
    <FormModal opened={opened} onClose={onClose} title={`Edit ${job.name}`}>
      <EditForm job={job} onClose={onClose} />
    </FormModal>
  );
}

function EditForm({ job, onClose }: { job: EditableMonitoredJob; onClose: () => void }) {
  const qc = useQueryClient();
  const heartbeat = job.monitor?.feed === 'heartbeat';
  const initialMinutes = Math.round((job.monitor?.maxRunSeconds ?? DEFAULT_MAX_RUN_SECONDS) / 60);
  const form = useForm({
    initialValues: {
      name: job.name,
      description: job.description,
      enabled: job.enabled,
      maxRunMinutes: initialMinutes as number | string,
    },
    validate: {
      name: (v) => (v.trim() ? null : 'A name is required'),
      maxRunMinutes: (v) =>
        !heartbeat || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 10_080)
          ? null
          : 'Between 1 minute and 7 days (10080 minutes)',
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      patch<MonitoredJob>(`/api/jobs/${job.id}`, {
        name: v.name.trim(),
        description: v.description,
        enabled: v.enabled,
        ...(heartbeat && Number(v.maxRunMinutes) !== initialMinutes
          ? { maxRunSeconds: Number(v.maxRunMinutes) * 60 }
          : {}),
      }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['jobs'] });
      onClose();
    },
  });
  return (
    <FormFrame onSubmit={form.onSubmit((v) => save.mutate(v))} error={save.error}>
      <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
      <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
      <Switch label="Enabled" {...form.getInputProps('enabled', { type: 'checkbox' })} />
      {heartbeat && (
        <NumberInput
          label="Completion ping expected within (minutes)"
          description="A started run without its success or fail ping by then fails (default 1440 = 24 hours)."
          min={1}
          max={10_080}
          allowDecimal={false}
          {...form.getInputProps('maxRunMinutes')}
        />
      )}
      {!heartbeat && (
        <Text size="xs" c="dimmed">
          Software, type, job name and sender come from the approved report and cannot be edited. To move the job to
          another customer, delete it (its e-mails return to the Inbox) and approve one of them again.
        </Text>
      )}
      <FormButtons onCancel={onClose} loading={save.isPending} />
    </FormFrame>
  );
}
