import { Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get, post } from '../../api/client';
import type { MonitoredJobsDocument, MonitoredJobsImportResult, User } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FileImportButton } from '../../components/FileImportButton';
import { ResultsAlert } from '../../components/ResultsAlert';
import { can } from '../auth/session';
import {
  exportFileText,
  importErrorRows,
  importNote,
  MONITORED_JOBS_FILE,
  monitoredExportPath,
  monitoredImportSummary,
  parseMonitoredJobsFile,
} from './monitored-export';

/** Hands text to the browser as a downloaded file. */
function saveFile(text: string, name: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Export and import of monitored jobs as JSON (keepwatch-monitored-jobs/1), on the Jobs page's
 * monitored view: export downloads the jobs (of the selected customer, if any); import reads a
 * file, sends it only when it is such a document, and says what was created, unchanged, or
 * which entries failed (all or nothing).
 */
export function MonitoredJobsTransfer({
  customerId,
  user,
}: {
  /** The customer the list is filtered by: the export is limited to it. */
  customerId: string | null;
  user: User | null | undefined;
}) {
  const qc = useQueryClient();
  const [fileError, setFileError] = useState<string | null>(null);
  const [imported, setImported] = useState<{ result: MonitoredJobsImportResult; doc: MonitoredJobsDocument } | null>(
    null,
  );

  const exportJson = useMutation({
    mutationFn: () => get<MonitoredJobsDocument>(monitoredExportPath(customerId)),
    onSuccess: (doc) => saveFile(exportFileText(doc), MONITORED_JOBS_FILE),
  });
  const importJson = useMutation({
    mutationFn: async (doc: MonitoredJobsDocument) => ({
      result: await post<MonitoredJobsImportResult>('/api/monitored-jobs/import', doc),
      doc,
    }),
    onSuccess: async (r) => {
      setImported(r);
      await qc.invalidateQueries({ queryKey: ['jobs'] });
    },
    onError: () => setImported(null),
  });

  const choose = async (file: File) => {
    setFileError(null);
    setImported(null);
    importJson.reset();
    const parsed = parseMonitoredJobsFile(await file.text(), file.name);
    if (parsed.ok) importJson.mutate(parsed.doc);
    else setFileError(parsed.error);
  };

  const errorRows = imported ? importErrorRows(imported.result, imported.doc) : [];
  const note = imported ? importNote(imported.result, imported.doc) : null;
  return (
    <Stack gap="xs">
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconDownload size={16} />}
          loading={exportJson.isPending}
          onClick={() => exportJson.mutate()}
        >
          Export JSON
        </Button>
        {can(user, 'write') && (
          <FileImportButton
            size="xs"
            accept=".json,application/json"
            inputLabel="Choose a JSON file of monitored jobs"
            loading={importJson.isPending}
            onFile={(file) => void choose(file)}
          >
            Import JSON
          </FileImportButton>
        )}
      </Group>
      <ErrorAlert error={exportJson.error} title="Export failed" />
      <ErrorAlert error={fileError ?? importJson.error} title="Import failed" />
      {imported && (
        <ResultsAlert
          color={errorRows.length ? 'red' : 'green'}
          title={`JSON import: ${monitoredImportSummary(imported.result)}`}
          dismissLabel="Dismiss import results"
          onDismiss={() => setImported(null)}
        >
          {errorRows.length > 0 ? (
            <DataTable verticalSpacing={2} aria-label="Import errors" head={['Entry', 'Job', 'Problem']}>
              {errorRows.map((e) => (
                <Table.Tr key={`${e.index}-${e.message}`}>
                  <Table.Td>{e.entry}</Table.Td>
                  <Table.Td>{e.job ?? '—'}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          ) : (
            note && <Text size="sm">{note}</Text>
          )}
        </ResultsAlert>
      )}
    </Stack>
  );
}
