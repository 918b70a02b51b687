import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { post } from '../../api/client';
import type { Run } from '../../api/types';
import { formatDateTime } from '../../components/format';
import { applyApiError, prefixed } from '../settings/form-errors';
import { useResources } from '../settings/queries';
import { sourceKindOf, type BackupWithMeta } from './backup-meta';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * Restore a backup into a source of the same engine (the original by default), optionally
 * under another database name; the restore is a run, and the page moves to it.
 * Usable from any screen that has the backup (storage explorer, run view).
 */
export function RestoreBackupModal({ backup, onClose }: { backup: BackupWithMeta | null; onClose: () => void }) {
  return (
    <Modal opened={!!backup} onClose={onClose} title={backup ? `Restore backup #${backup.id}` : ''} size="lg">
      {backup && <RestoreForm key={backup.id} backup={backup} onClose={onClose} />}
    </Modal>
  );
}

function RestoreForm({ backup, onClose }: { backup: BackupWithMeta; onClose: () => void }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const sources = useResources('sources');
  const kind = sourceKindOf(backup);
  const candidates = (sources.data ?? []).filter((s) => !kind || s.kind === kind);
  const options = candidates.map((s) => ({ value: String(s.id), label: `${s.name} (${s.kind})` }));
  const original = backup.metadata?.source?.id;
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: { sourceId: '', database: '' } });
  // Default target: the original source when it still exists, else the only candidate.
  const fallback =
    options.find((o) => o.value === String(original))?.value ?? (options.length === 1 ? options[0]!.value : '');
  const sourceId = form.values.sourceId || fallback;
  const target = candidates.find((s) => String(s.id) === sourceId);

  const restore = useMutation({
    mutationFn: () =>
      post<Run>(`/api/backups/${backup.id}/restore`, {
        sourceId: Number(sourceId),
        ...(form.values.database.trim() ? { database: form.values.database.trim() } : {}),
      }),
    onSuccess: async (run) => {
      await qc.invalidateQueries({ queryKey: ['runs'] });
      onClose();
      navigate(`/runs/${run.id}`);
    },
    onError: (err) =>
      setFormError(applyApiError(form, err, prefixed('restore', { sourceId: 'sourceId', database: 'database' }))),
  });

  const databaseHelp =
    kind === 'sqlite'
      ? 'Optional: a file name (beside the source database) or a path to restore into instead of the source file'
      : 'Optional: restore into a database of this name instead of the original one';
  const overwritten = form.values.database.trim() || (kind === 'sqlite' ? 'the database file' : 'the database');

  return (
    <form
      onSubmit={form.onSubmit(() => {
        setFormError(null);
        if (!sourceId) {
          form.setFieldError('sourceId', 'Choose the source to restore into');
          return;
        }
        restore.mutate();
      })}
    >
      <Stack>
        <Text size="sm">
          Backup of <b>{backup.jobName}</b> made {formatDateTime(backup.createdAt)}
          {kind ? ` from a ${kind} source` : ''}
          {backup.metadata?.source?.name ? ` (${backup.metadata.source.name})` : ''}.
        </Text>
        <ErrorAlert error={formError} />
        <Select
          label="Target source"
          description={kind ? `Sources of the same engine (${kind})` : undefined}
          data={options}
          allowDeselect={false}
          placeholder={sources.isLoading ? 'Loading…' : options.length ? 'Choose a source' : 'No source of this engine'}
          {...form.getInputProps('sourceId')}
          value={sourceId || null}
          onChange={(v) => form.setFieldValue('sourceId', v ?? '')}
        />
        <TextInput label="Database name" description={databaseHelp} {...form.getInputProps('database')} />
        <Alert
          role="note"
          color="red"
          variant="light"
          icon={<IconAlertTriangle size={18} />}
          title="The target will be overwritten"
        >
          Restoring replaces the contents of {overwritten}
          {target ? (
            <>
              {' '}
              on source <b>{target.name}</b>
            </>
          ) : null}{' '}
          with this backup. Data written there since the backup was made is lost. This cannot be undone.
        </Alert>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={restore.isPending}>
            Restore backup
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
