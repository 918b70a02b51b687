import { Modal, Select, SimpleGrid, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import type { Remark } from '../../api/types';
import { FormButtons, FormFrame } from '../../components/FormModal';
import { useJobOptions } from '../run-checks/lookups';
import { todayIn } from '../run-checks/review-time';
import { useSaveRemark } from './queries';
import {
  formToRemarkPayload,
  newRemarkForm,
  remarkToForm,
  validateRemarkForm,
  type RemarkFormValues,
} from './tickets-logic';

export interface RemarkPreset {
  jobId: number;
  jobName: string;
  /** The run it is about by default (Run Checks: the newest run shown). */
  runId?: number | null;
  /** The runs the user may pick from instead. */
  runs?: { value: string; label: string }[];
}

/**
 * Create a remark (from Run Checks with job and run pre-filled, or from the Tickets page) or edit
 * one. A remark documents; it does not review the run.
 */
export function RemarkModal({
  opened,
  onClose,
  remark,
  preset,
  timeZone,
}: {
  opened: boolean;
  onClose: () => void;
  remark?: Remark | null;
  preset?: RemarkPreset | null;
  timeZone: string;
}) {
  const jobs = useJobOptions(opened && (!preset || !!remark));
  const save = useSaveRemark();
  const form = useForm<RemarkFormValues>({
    initialValues: newRemarkForm({ today: '' }),
    validate: validateRemarkForm,
  });

  useEffect(() => {
    if (!opened) return;
    form.setValues(
      remark
        ? remarkToForm(remark, timeZone)
        : newRemarkForm({ jobId: preset?.jobId, runId: preset?.runId, today: todayIn(timeZone) }),
    );
    form.clearErrors();
    save.reset();
  }, [opened, remark?.id, preset?.jobId, preset?.runId]);

  const submit = form.onSubmit((values) =>
    save.mutate(
      { id: remark?.id ?? null, body: formToRemarkPayload(values, timeZone, remark) },
      {
        onSuccess: () => {
          notifications.show({ message: remark ? 'Remark saved' : 'Remark created' });
          onClose();
        },
      },
    ),
  );

  const fixedJob = !!remark || !!preset;
  const runOptions = [{ value: 'none', label: 'The job in general' }, ...(preset?.runs ?? [])];
  return (
    <Modal opened={opened} onClose={onClose} title={remark ? 'Edit remark' : 'Create remark'} size="lg">
      <FormFrame onSubmit={submit} noValidate>
        {preset && !remark ? (
          <TextInput label="Job" value={preset.jobName} readOnly />
        ) : (
          <Select
            label="Job"
            data={jobs.data ?? []}
            searchable
            withAsterisk
            disabled={fixedJob}
            placeholder={jobs.isLoading ? 'Loading…' : 'Choose a job'}
            {...form.getInputProps('jobId')}
          />
        )}
        {!remark && preset?.runs?.length ? (
          <Select
            label="Run"
            data={runOptions}
            allowDeselect={false}
            {...form.getInputProps('runId')}
            value={form.values.runId ?? 'none'}
            onChange={(v) => form.setFieldValue('runId', v && v !== 'none' ? v : null)}
          />
        ) : form.values.runId ? (
          <Text size="sm">About run #{form.values.runId}</Text>
        ) : null}
        <Textarea label="Remark" withAsterisk autosize minRows={3} maxRows={10} {...form.getInputProps('text')} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput type="date" label="Start date" {...form.getInputProps('startDate')} />
        </SimpleGrid>
        <Text size="xs" c="dimmed">
          A remark shows 💬 on the job until it is resolved. It does not review the run: mark it reviewed in Run Checks.
        </Text>
        <FormButtons
          onCancel={onClose}
          loading={save.isPending}
          error={save.error}
          submitLabel={remark ? 'Save' : 'Create remark'}
        />
      </FormFrame>
    </Modal>
  );
}
