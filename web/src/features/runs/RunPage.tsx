import { Alert, Loader, Stack, Title } from '@mantine/core';
import { useParams } from 'react-router-dom';
import { RunView } from './RunView';
import { useRun } from './run-queries';

/** /runs/:id — the run view. */
export default function RunPage() {
  const id = Number(useParams().id);
  const run = useRun(id);
  return (
    <Stack>
      <Title order={2}>Run #{Number.isInteger(id) ? id : '?'}</Title>
      {run.isLoading && <Loader />}
      {run.isError && (
        <Alert color="red" title="This run cannot be shown">
          {run.error.message}
        </Alert>
      )}
      {run.data && <RunView key={run.data.id} initial={run.data} />}
    </Stack>
  );
}
