import { Modal } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useEffect } from 'react';
import type { Override } from '../../api/types';
import { FormButtons, FormFrame } from '../../components/FormModal';
import { useCustomerOptions, useJobOptions } from '../run-checks/lookups';
import { OverrideFields } from './OverrideFields';
import {
  EMPTY_OVERRIDE,
  formToPayload,
  overrideToForm,
  validateOverrideForm,
  type OverrideFormValues,
} from './override-form';
import { useSaveOverride } from './queries';

/** Create (override = null) or edit an override rule. */
export function OverrideModal({
  opened,
  override,
  timeZone,
  onClose,
}: {
  opened: boolean;
  override: Override | null;
  timeZone: string;
  onClose: () => void;
}) {
  const jobs = useJobOptions(opened);
  const customers = useCustomerOptions(opened);
  const save = useSaveOverride();
  const form = useForm<OverrideFormValues>({ initialValues: EMPTY_OVERRIDE, validate: validateOverrideForm });

  useEffect(() => {
    if (!opened) return;
    const values = override ? overrideToForm(override, timeZone) : EMPTY_OVERRIDE;
    form.setValues(values);
    form.resetDirty(values);
    form.clearErrors();
    save.reset();
    // Only when the dialog opens on a rule: later renders must not undo the user's edits.
  }, [opened, override?.id]);

  const submit = form.onSubmit((values) =>
    save.mutate(
      { id: override?.id ?? null, body: formToPayload(values, timeZone, override) },
      {
        onSuccess: (o) => {
          notifications.show({ message: override ? `Override #${o.id} saved` : `Override #${o.id} created` });
          onClose();
        },
      },
    ),
  );

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={override ? `Edit override #${override.id}` : 'New override'}
      size="lg"
    >
      <FormFrame onSubmit={submit} noValidate>
        <OverrideFields form={form} jobs={jobs.data ?? []} customers={customers.data ?? []} />
        <FormButtons onCancel={onClose} loading={save.isPending} error={save.error} />
      </FormFrame>
    </Modal>
  );
}
