import { Alert } from '@mantine/core';

/** What went wrong (a failed request or save), in red with role alert; nothing when all is well. */
export function ErrorAlert({ error, title }: { error: Error | string | null | undefined; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" title={title}>
      {typeof error === 'string' ? error : error.message}
    </Alert>
  );
}
