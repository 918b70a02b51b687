import { Alert } from '@mantine/core';
import type { ReactNode } from 'react';

/** How an import or upload went, read out when it appears, until the user dismisses it. */
export function ResultsAlert({
  color,
  title,
  dismissLabel,
  onDismiss,
  children,
}: {
  color: string;
  title: string;
  /** The close button's name ("Dismiss import results"). */
  dismissLabel: string;
  onDismiss: () => void;
  children: ReactNode;
}) {
  return (
    <Alert
      color={color}
      title={title}
      withCloseButton
      closeButtonLabel={dismissLabel}
      onClose={onDismiss}
      aria-live="polite"
    >
      {children}
    </Alert>
  );
}
