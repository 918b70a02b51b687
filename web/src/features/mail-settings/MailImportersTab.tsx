import { Badge, Button, Group, Modal, NumberInput, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { del, get, post } from '../../api/client';
import type { MailImporter, Run } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { EditModal } from '../../components/FormModal';
import { RelativeTime } from '../../components/RelativeTime';
import { can, useMe } from '../auth/session';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ImporterForm } from './ImporterForm';
import { importerSummary, KIND_LABEL, polls, validBatchSize } from './importer-form';

function useImporters() {
  return useQuery({
    queryKey: ['mail-importers', 'list'],
    queryFn: async () => (await get<{ items: MailImporter[] }>('/api/mail-importers')).items,
    refetchInterval: 30_000,
  });
}

/**
 * Settings → Mail import: where report e-mails come from (IMAP mailboxes polled every 5–60
 * minutes, a Microsoft Graph mailbox, the built-in SMTP receiver). Admins create, edit, test and
 * start an import now; everyone who sees the page sees the last import and the last error.
 */
export default function MailImportersTab() {
  const me = useMe();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const importers = useImporters();
  const isAdmin = can(me.data, 'admin');
  const [editing, setEditing] = useState<MailImporter | 'new' | null>(null);
  const [deleting, setDeleting] = useState<MailImporter | null>(null);
  const [importing, setImporting] = useState<MailImporter | null>(null);

  const test = useMutation({
    mutationFn: (imp: MailImporter) => post<{ ok: boolean; message: string }>(`/api/mail-importers/${imp.id}/test`),
    onSuccess: (r, imp) =>
      notifications.show({
        color: r.ok ? 'green' : 'red',
        title: `${imp.name}: ${r.ok ? 'connection works' : 'test failed'}`,
        message: r.message,
      }),
    onError: (err, imp) =>
      notifications.show({ color: 'red', title: `${imp.name}: test failed`, message: err.message }),
  });

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Report e-mails are fetched from these mailboxes, parsed, and either recorded as runs of their job or left in the
        Inbox. Report files can also be uploaded on the Inbox page.
      </Text>
      {isAdmin && (
        <Group>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New importer
          </Button>
        </Group>
      )}
      <ListState
        error={importers.error}
        loading={importers.isLoading}
        empty={(importers.data ?? []).length === 0}
        emptyText="No mail importers yet."
      >
        <DataTable
          minWidth={900}
          striped
          verticalSpacing="sm"
          aria-label="Mail importers"
          head={['Name', 'Type', 'Mailbox', 'Schedule', 'Last import', 'Last error', isAdmin && 'Actions']}
        >
          {(importers.data ?? []).map((imp) => (
            <Table.Tr key={imp.id} data-importer={imp.name}>
              <Table.Td fw={500}>{imp.name}</Table.Td>
              <Table.Td>{KIND_LABEL[imp.kind] ?? imp.kind}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {importerSummary(imp)}
                </Text>
              </Table.Td>
              <Table.Td>
                {!imp.enabled ? (
                  <Badge color="gray" variant="light" tt="none">
                    Disabled
                  </Badge>
                ) : polls(imp.kind) ? (
                  `Every ${imp.intervalMinutes} minutes`
                ) : (
                  'Receives continuously'
                )}
              </Table.Td>
              <Table.Td>
                <RelativeTime at={imp.lastImportAt} none="Never" />
              </Table.Td>
              <Table.Td>
                {imp.lastError ? (
                  <Text size="sm" c="red" style={{ overflowWrap: 'anywhere' }}>
                    {imp.lastError}
                  </Text>
                ) : (
                  '—'
                )}
              </Table.Td>
              {isAdmin && (
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="light" onClick={() => setEditing(imp)} aria-label={`Edit ${imp.name}`}>
                      Edit
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      leftSection={<IconPlugConnected size={14} />}
                      loading={test.isPending && test.variables?.id === imp.id}
                      onClick={() => test.mutate(imp)}
                      aria-label={`Test ${imp.name}`}
                    >
                      Test
                    </Button>
                    {polls(imp.kind) && (
                      <Button
                        size="xs"
                        variant="default"
                        leftSection={<IconDownload size={14} />}
                        onClick={() => setImporting(imp)}
                        aria-label={`Import now from ${imp.name}`}
                      >
                        Import now
                      </Button>
                    )}
                    <Button
                      size="xs"
                      color="red"
                      variant="subtle"
                      onClick={() => setDeleting(imp)}
                      aria-label={`Delete ${imp.name}`}
                    >
                      Delete
                    </Button>
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>
      <EditModal
        editing={editing}
        onClose={() => setEditing(null)}
        size="lg"
        title={editing === 'new' ? 'New mail importer' : `Edit ${editing?.name ?? ''}`}
      >
        {(importer) => <ImporterForm importer={importer} onDone={() => setEditing(null)} />}
      </EditModal>
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.name ?? ''}?`}
        confirmLabel="Delete importer"
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          await del(`/api/mail-importers/${deleting!.id}`);
          await qc.invalidateQueries({ queryKey: ['mail-importers'] });
        }}
      >
        No more mail is fetched from this mailbox. Messages already imported, their runs and the Inbox stay as they are.
      </ConfirmModal>
      <ImportNowModal
        importer={importing}
        onClose={() => setImporting(null)}
        onStarted={(run) => {
          setImporting(null);
          void qc.invalidateQueries({ queryKey: ['mail-importers'] });
          navigate(`/runs/${run.id}`);
        }}
      />
    </Stack>
  );
}

/** "Import now": how many messages at most, then the import run's live view. */
function ImportNowModal({
  importer,
  onClose,
  onStarted,
}: {
  importer: MailImporter | null;
  onClose: () => void;
  onStarted: (run: Run) => void;
}) {
  const [batch, setBatch] = useState<number | string>(100);
  const start = useMutation({
    mutationFn: () => post<Run>(`/api/mail-importers/${importer!.id}/import`, { batchSize: Number(batch) }),
    onSuccess: (run) => onStarted(run),
  });
  const valid = validBatchSize(typeof batch === 'number' ? batch : Number(batch));
  return (
    <Modal
      opened={importer !== null}
      onClose={() => {
        start.reset();
        onClose();
      }}
      title={`Import now from ${importer?.name ?? ''}`}
    >
      <Stack>
        <NumberInput
          label="Batch size"
          description="At most this many messages are fetched now (1–1000)"
          min={1}
          max={1000}
          allowDecimal={false}
          value={batch}
          onChange={setBatch}
          error={valid ? undefined : 'A whole number from 1 to 1000'}
          data-autofocus
        />
        <ErrorAlert error={start.error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button disabled={!valid} loading={start.isPending} onClick={() => start.mutate()}>
            Start import
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
