import { Button, Group, Loader, Modal, Stack, Switch, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import type { CheckedRun } from '../../api/types';
import { RunStatusChip } from '../../components/StatusChip';
import { OverrideFields } from '../overrides/OverrideFields';
import {
  EMPTY_OVERRIDE,
  formToPayload,
  overrideToForm,
  validateOverrideForm,
  type OverrideFormValues,
} from '../overrides/override-form';
import { useCustomerOptions, useJobOptions } from './lookups';
import { useMarkSuccess, useOverrideDraft } from './queries';
import { effectiveOf } from './run-checks-logic';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * "Mark as success": the run counts as success (blue "Success (override)") and is reviewed.
 * Optionally an override is created for future runs, pre-filled from the run
 * (GET /api/runs/:id/override-draft) and editable before it is saved.
 */
export function MarkSuccessModal({
  run,
  jobName,
  timeZone,
  onClose,
  onDone,
}: {
  run: CheckedRun | null;
  jobName: string;
  timeZone: string;
  onClose: () => void;
  onDone: (run: CheckedRun) => void;
}) {
  const [withOverride, setWithOverride] = useState(false);
  const draft = useOverrideDraft(run && withOverride ? run.id : null);
  const jobs = useJobOptions(withOverride);
  const customers = useCustomerOptions(withOverride);
  const mark = useMarkSuccess();
  const form = useForm<OverrideFormValues>({ initialValues: EMPTY_OVERRIDE, validate: validateOverrideForm });
  const [filledFrom, setFilledFrom] = useState<number | null>(null);

  useEffect(() => {
    // A new run: start again (no override, nothing typed).
    setWithOverride(false);
    setFilledFrom(null);
    mark.reset();
  }, [run?.id]);

  useEffect(() => {
    if (run && draft.data && filledFrom !== run.id) {
      form.setValues(overrideToForm(draft.data, timeZone));
      form.clearErrors();
      setFilledFrom(run.id);
    }
  }, [draft.data, run?.id]);

  if (!run) return <Modal opened={false} onClose={onClose} title="Mark as success" />;

  const objectNames = (run.objects ?? [])
    .filter((o) => o.status === 'warning' || o.status === 'failed')
    .map((o) => o.name);

  const submit = () => {
    if (withOverride && form.validate().hasErrors) return;
    mark.mutate(
      { runId: run.id, override: withOverride ? formToPayload(form.values, timeZone) : undefined },
      {
        onSuccess: (r) => {
          notifications.show({
            message: r.override
              ? `Run #${run.id} counts as success; override #${r.override.id} created for future runs`
              : `Run #${run.id} counts as success`,
          });
          onDone(r.run);
          onClose();
        },
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title="Mark as success" size="lg">
      <Stack>
        <Group gap="xs">
          <Text size="sm">
            Run #{run.id} of {jobName}, reported as
          </Text>
          <RunStatusChip status={effectiveOf(run)} overridden={run.overridden} original={run.status} />
        </Group>
        <Text size="sm">It will count as success and be marked as reviewed.</Text>
        <Switch
          label="Also create an override for future runs"
          description="Future runs that match are accepted automatically (blue “Success (override)”)"
          checked={withOverride}
          onChange={(e) => setWithOverride(e.currentTarget.checked)}
        />
        {withOverride &&
          (draft.isLoading || filledFrom !== run.id ? (
            draft.error ? (
              <ErrorAlert error={draft.error} />
            ) : (
              <Loader size="sm" />
            )
          ) : (
            <OverrideFields
              form={form}
              jobs={jobs.data ?? []}
              customers={customers.data ?? []}
              objectNames={objectNames}
            />
          ))}
        <ErrorAlert error={mark.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="blue"
            loading={mark.isPending}
            disabled={withOverride && filledFrom !== run.id}
            onClick={submit}
          >
            {withOverride ? 'Mark as success and save override' : 'Mark as success'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
