import { Button, Group, Modal, Stack, type ModalProps } from '@mantine/core';
import { Fragment, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/**
 * A dialog around a form that exists only while the dialog is open, so every opening starts
 * from fresh values (give the form a `key` when the dialog switches between records).
 */
export function FormModal({
  opened,
  onClose,
  title,
  size,
  children,
}: {
  opened: boolean;
  onClose: () => void;
  title: ReactNode;
  size?: ModalProps['size'];
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size}>
      {opened && children}
    </Modal>
  );
}

/**
 * The FormModal of a record being created (`'new'`) or edited, open while there is one: the form
 * gets the record (null when new) and starts afresh for each.
 */
export function EditModal<T extends { id: number }>({
  editing,
  onClose,
  title,
  size,
  children,
}: {
  editing: T | 'new' | null;
  onClose: () => void;
  title: ReactNode;
  size?: ModalProps['size'];
  children: (record: T | null) => ReactNode;
}) {
  return (
    <FormModal opened={editing !== null} onClose={onClose} title={title} size={size}>
      {editing !== null && (
        <Fragment key={editing === 'new' ? 'new' : editing.id}>{children(editing === 'new' ? null : editing)}</Fragment>
      )}
    </FormModal>
  );
}

/**
 * The frame forms share: submit handler, the error that names no field as a form-level alert
 * above the fields (field errors are shown at their field), and the stacked fields.
 */
export function FormFrame({
  onSubmit,
  error,
  noValidate,
  children,
}: {
  onSubmit: (event?: FormEvent<HTMLFormElement>) => void;
  error?: Error | string | null | undefined;
  noValidate?: boolean;
  children: ReactNode;
}) {
  return (
    <form onSubmit={onSubmit} noValidate={noValidate}>
      <Stack>
        <ErrorAlert error={error} />
        {children}
      </Stack>
    </form>
  );
}

/**
 * The foot of a form: Cancel, then the submit button (Save unless told otherwise); `error`, for
 * the dialogs that say it there, just above them.
 */
export function FormButtons({
  onCancel,
  loading,
  submitLabel = 'Save',
  error,
}: {
  onCancel: () => void;
  loading: boolean;
  submitLabel?: string;
  error?: Error | null;
}) {
  return (
    <>
      <ErrorAlert error={error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" loading={loading}>
          {submitLabel}
        </Button>
      </Group>
    </>
  );
}

/**
 * The error of a form's last save that no field claims (for FormFrame), and `attempt`, which
 * wraps the save so that a new attempt first clears the old error.
 */
export function useFormError() {
  const [error, setError] = useState<string | null>(null);
  const attempt =
    <V,>(save: (values: V) => void) =>
    (values: V) => {
      setError(null);
      save(values);
    };
  return { error, setError, attempt };
}
