import { Anchor, Badge, Box, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type DragEvent } from 'react';
import { Link } from 'react-router-dom';
import { post } from '../../api/client';
import type { MailImportResult } from '../../api/types';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ResultsAlert } from '../../components/ResultsAlert';
import {
  chunk,
  fileToBase64,
  localRejection,
  OUTCOME_COLOR,
  OUTCOME_LABEL,
  summarizeImport,
  triageFiles,
  UPLOAD_BATCH,
} from './inbox-logic';

/**
 * Upload of .eml files: drop several on the zone or choose them; each file's outcome is listed
 * (linked to a job, in the Inbox, duplicate, rejected).
 */
export function EmlUpload({ onOpenMail }: { onOpenMail: (id: number) => void }) {
  const qc = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<MailImportResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (list: File[]) => {
    if (list.length === 0) return;
    setBusy(true);
    setError(null);
    const { send, refused } = triageFiles(list);
    const done: MailImportResult[] = [...refused];
    try {
      for (const batch of chunk(send, UPLOAD_BATCH)) {
        const files = await Promise.all(batch.map(async (f) => ({ name: f.name, content: await fileToBase64(f) })));
        try {
          const r = await post<{ results: MailImportResult[] }>('/api/mail/import', { files });
          done.push(...r.results);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          done.push(...batch.map((f) => localRejection(f.name, message)));
        }
        setResults([...done]);
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setResults(done);
      setBusy(false);
      await Promise.all([qc.invalidateQueries({ queryKey: ['inbox'] }), qc.invalidateQueries({ queryKey: ['jobs'] })]);
    }
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setOver(false);
    if (busy) return;
    void upload(Array.from(e.dataTransfer.files));
  };

  return (
    <Stack gap="xs">
      <Box
        role="region"
        aria-label="Drop .eml files here"
        aria-busy={busy}
        onDragEnter={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        p="sm"
        style={{
          border: `2px dashed var(--mantine-color-${over ? 'blue-5' : 'default-border'})`,
          borderRadius: 'var(--mantine-radius-md)',
          background: over ? 'var(--mantine-color-blue-light)' : undefined,
        }}
      >
        <Group justify="space-between" gap="sm">
          <Text size="sm" c="dimmed">
            Drop report e-mails (.eml, several at once) here to import them, or
          </Text>
          <Button
            variant="light"
            leftSection={<IconUpload size={16} />}
            loading={busy}
            onClick={() => input.current?.click()}
          >
            Upload .eml
          </Button>
        </Group>
        <input
          ref={input}
          type="file"
          multiple
          accept=".eml,message/rfc822"
          aria-label="Choose .eml files"
          hidden
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []);
            e.currentTarget.value = '';
            void upload(files);
          }}
        />
      </Box>
      <ErrorAlert error={error} />
      {results && (
        <ResultsAlert
          color={results.some((r) => r.outcome === 'rejected') ? 'orange' : 'green'}
          title={`Upload: ${summarizeImport(results)}`}
          dismissLabel="Dismiss upload results"
          onDismiss={() => setResults(null)}
        >
          <DataTable
            minWidth={480}
            verticalSpacing={2}
            aria-label="Upload results"
            head={['File', 'Outcome', 'Details']}
          >
            {results.map((r, i) => (
              <Table.Tr key={`${r.file}-${i}`}>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>{r.file}</Table.Td>
                <Table.Td>
                  <Badge color={OUTCOME_COLOR[r.outcome]} variant="light" tt="none">
                    {OUTCOME_LABEL[r.outcome]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {r.error ? (
                    <Text size="sm" c="red">
                      {r.error}
                    </Text>
                  ) : r.outcome === 'linked' && r.jobId ? (
                    <Group gap="xs">
                      <Anchor component={Link} to={`/jobs/${r.jobId}`} size="sm">
                        Open job
                      </Anchor>
                      {r.runId && (
                        <Anchor component={Link} to={`/runs/${r.runId}`} size="sm">
                          Run #{r.runId}
                        </Anchor>
                      )}
                    </Group>
                  ) : r.mailId ? (
                    <Anchor component="button" size="sm" onClick={() => onOpenMail(r.mailId!)}>
                      Open message
                    </Anchor>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
        </ResultsAlert>
      )}
    </Stack>
  );
}
