import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/**
 * A confirmation dialog whose action may fail (409 "used by job ...") and says why. It closes
 * when the action succeeds, then calls `onDone`.
 */
export function ConfirmModal({
  opened,
  title,
  children,
  confirmLabel,
  color = 'red',
  focusConfirm = true,
  onConfirm,
  onClose,
  onDone,
}: {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  color?: string;
  /** Whether the confirm button takes the focus when the dialog opens. */
  focusConfirm?: boolean;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  onDone?: (() => void) | undefined;
}) {
  const action = useMutation({
    mutationFn: onConfirm,
    onSuccess: () => {
      onClose();
      onDone?.();
    },
  });
  const close = () => {
    action.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title}>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        <ErrorAlert error={action.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color={color}
            loading={action.isPending}
            onClick={() => action.mutate()}
            data-autofocus={focusConfirm || undefined}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
