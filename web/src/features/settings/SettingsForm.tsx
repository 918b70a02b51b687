import { Alert, Stack } from '@mantine/core';
import type { FormEvent, ReactNode } from 'react';

/**
 * The frame every settings form shares: submit handler, the API error that names no field as a
 * form-level alert (field errors are shown at their field), and the stacked fields.
 */
export function SettingsForm(props: {
  onSubmit: (event?: FormEvent<HTMLFormElement>) => void;
  error: string | null;
  children: ReactNode;
}) {
  return (
    <form onSubmit={props.onSubmit}>
      <Stack>
        {props.error && (
          <Alert color="red" role="alert">
            {props.error}
          </Alert>
        )}
        {props.children}
      </Stack>
    </form>
  );
}
