import { Button, Fieldset, Group, NumberInput, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { patch, post } from '../../api/client';
import type { Customer, Job } from '../../api/types';
import { readSchedule } from '../../lib/schedule-text';
import { DestinationsField } from './DestinationsField';
import { splitJobError } from './job-errors';
import { COMPRESSION_LEVELS, COMPRESSION_OPTIONS, scheduleDraft, toJobInput, type JobFormValues } from './job-form';
import { NotificationsField } from './NotificationsField';
import { useProfileList, useResourceList } from './queries';
import { ScheduleField, scheduleErrorField } from './ScheduleField';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Every setting of a backup job; the server validates and its errors land at their fields. */
export function JobForm({
  job,
  initialValues,
  customers,
  defaultTimezone,
}: {
  job: Job | null;
  initialValues: JobFormValues;
  customers: Customer[];
  defaultTimezone: string;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [alert, setAlert] = useState<string | null>(null);
  const form = useForm<JobFormValues>({ initialValues });
  const sources = useResourceList('sources');
  const destinations = useResourceList('destinations');
  const channels = useResourceList('notification-channels');
  const profiles = useProfileList();
  const v = form.getValues();
  const ofCustomer = <T extends { customerId: number }>(items: T[] | undefined) =>
    (items ?? []).filter((x) => String(x.customerId) === v.customerId);
  const levels = COMPRESSION_LEVELS[v.compression];

  // Another customer: what was picked belongs to the previous one.
  const changeCustomer = (customerId: string | null) => {
    form.setValues({
      customerId,
      sourceId: null,
      encryptionProfileId: null,
      destinations: v.destinations.map((d) => ({ ...d, destinationId: null })),
      notifications: v.notifications.map((n) => ({ ...n, channelId: null })),
    });
  };

  const save = async (values: JobFormValues) => {
    setAlert(null);
    const draft = scheduleDraft(values);
    const reading = draft ? readSchedule(draft, defaultTimezone) : null;
    if (reading?.error) {
      form.setFieldError(scheduleErrorField(reading.field), reading.error);
      return;
    }
    const body = toJobInput(values, job?.schedule);
    try {
      const saved = job ? await patch<Job>(`/api/jobs/${job.id}`, body) : await post<Job>('/api/jobs', body);
      await qc.invalidateQueries({ queryKey: ['jobs'] });
      navigate(`/jobs/${saved.id}`);
    } catch (err) {
      const { fields, rest } = splitJobError(err);
      for (const [path, message] of Object.entries(fields)) form.setFieldError(path, message);
      setAlert(rest);
    }
  };

  return (
    <form onSubmit={form.onSubmit(save)} noValidate>
      <Stack maw={900}>
        <ErrorAlert error={alert} title="The job was not saved" />
        <Fieldset legend="What">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" withAsterisk data-autofocus {...form.getInputProps('name')} />
            <Select
              label="Customer"
              withAsterisk
              data={customers.map((c) => ({ value: String(c.id), label: c.name }))}
              disabled={job !== null}
              description={job ? 'Duplicate the job to use it for another customer' : undefined}
              {...form.getInputProps('customerId')}
              onChange={changeCustomer}
            />
            <Select
              label="Source"
              withAsterisk
              placeholder={v.customerId ? 'Choose a source' : 'Choose a customer first'}
              data={ofCustomer(sources.data).map((s) => ({ value: String(s.id), label: `${s.name} (${s.kind})` }))}
              {...form.getInputProps('sourceId')}
            />
            <TextInput
              label="Database"
              placeholder="The source's database"
              description="Optional: another database of the same server"
              {...form.getInputProps('database')}
            />
          </SimpleGrid>
          <Textarea label="Description" autosize minRows={1} mt="sm" {...form.getInputProps('description')} />
        </Fieldset>
        <Fieldset legend="Where, and how long to keep">
          <DestinationsField form={form} destinations={ofCustomer(destinations.data)} jobId={job?.id ?? null} />
        </Fieldset>
        <Fieldset legend="When">
          <ScheduleField
            form={form}
            defaultTimezone={defaultTimezone}
            kept={job && !['manual', 'cron', 'weekly'].includes(job.schedule.type) ? job.schedule : undefined}
          />
        </Fieldset>
        <Fieldset legend="How">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label="Compression"
              data={COMPRESSION_OPTIONS}
              allowDeselect={false}
              {...form.getInputProps('compression')}
              onChange={(c) => form.setValues({ compression: c ?? 'none', compressionLevel: '' })}
            />
            <NumberInput
              label="Level"
              disabled={!levels}
              min={levels?.min}
              max={levels?.max}
              allowDecimal={false}
              placeholder={levels ? `Default (${levels.default})` : 'No compression'}
              description={levels ? `${levels.min} (fastest) to ${levels.max} (smallest)` : undefined}
              {...form.getInputProps('compressionLevel')}
            />
            <Select
              label="Encryption profile"
              clearable
              placeholder="Not encrypted"
              data={ofCustomer(profiles.data).map((p) => ({ value: String(p.id), label: p.name }))}
              {...form.getInputProps('encryptionProfileId')}
            />
            <TextInput
              label="Timeout"
              placeholder="6h"
              description="A run still going after this is stopped (e.g. 90m, 2h, 1d)"
              {...form.getInputProps('timeout')}
            />
          </SimpleGrid>
        </Fieldset>
        <Fieldset legend="Notifications">
          <NotificationsField form={form} channels={ofCustomer(channels.data)} />
        </Fieldset>
        <Group justify="flex-end">
          <Button variant="default" onClick={() => navigate(job ? `/jobs/${job.id}` : '/jobs')}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            Save job
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
