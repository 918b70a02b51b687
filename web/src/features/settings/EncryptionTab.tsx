import { Button, Code, Group, Select, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { post } from '../../api/client';
import type { EncryptionProfile } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';
import { formatDateTime } from '../../components/format';
import { FormButtons, FormFrame, FormModal, useFormError } from '../../components/FormModal';
import { can, useMe } from '../auth/session';
import { ExportKeyModal } from './ExportKeyModal';
import { applyApiError, prefixed } from './form-errors';
import { customerOptions, defaultCustomerId, useCustomers, useProfiles } from './queries';

/** Encryption profiles: list, create (new random key) or import a recovery kit, export (admins). */
export function EncryptionTab() {
  const me = useMe();
  const profiles = useProfiles();
  const customers = useCustomers();
  const [creating, setCreating] = useState(false);
  const [exporting, setExporting] = useState<EncryptionProfile | null>(null);
  const customerName = (id: number) => customers.data?.find((c) => c.id === id)?.name ?? `#${id}`;

  return (
    <Stack>
      {can(me.data, 'write') && (
        <Group>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New profile
          </Button>
        </Group>
      )}
      <Text size="sm" c="dimmed">
        Backups of jobs with an encryption profile are encrypted with its key (AES-256-GCM). Keep an exported copy of
        every key somewhere safe: without it, its backups cannot be read.
      </Text>
      <ListState
        error={profiles.error}
        loading={profiles.isLoading}
        empty={!profiles.data?.length}
        emptyText="No encryption profiles yet."
      >
        <DataTable
          minWidth={640}
          striped
          verticalSpacing="sm"
          head={['Name', 'Key id', 'Customer', 'Created', 'Actions']}
        >
          {(profiles.data ?? []).map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td fw={500}>{p.name}</Table.Td>
              <Table.Td>
                <Code>{p.keyId}</Code>
              </Table.Td>
              <Table.Td>{customerName(p.customerId)}</Table.Td>
              <Table.Td>{formatDateTime(p.createdAt)}</Table.Td>
              <Table.Td>
                {can(me.data, 'admin') && (
                  <Button
                    size="xs"
                    variant="light"
                    color="orange"
                    leftSection={<IconKey size={14} />}
                    onClick={() => setExporting(p)}
                  >
                    Export key
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>
      <FormModal opened={creating} onClose={() => setCreating(false)} title="New encryption profile" size="lg">
        <ProfileForm onDone={() => setCreating(false)} />
      </FormModal>
      <ExportKeyModal profile={exporting} onClose={() => setExporting(null)} />
    </Stack>
  );
}

function ProfileForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const customers = useCustomers();
  const options = customerOptions(customers.data);
  const formError = useFormError();
  const form = useForm({ initialValues: { name: '', customerId: defaultCustomerId(customers.data), key: '' } });
  const firstCustomer = defaultCustomerId(customers.data);
  useEffect(() => {
    if (!form.values.customerId && firstCustomer) form.setFieldValue('customerId', firstCustomer);
  }, [firstCustomer, form.values.customerId]);
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      post<EncryptionProfile>('/api/encryption-profiles', {
        name: v.name.trim(),
        ...(v.customerId ? { customerId: Number(v.customerId) } : {}),
        ...(v.key.trim() ? { key: v.key } : {}),
      }),
    onSuccess: async (p) => {
      await qc.invalidateQueries({ queryKey: ['encryption-profiles'] });
      notifications.show({ color: 'green', message: `Encryption profile ${p.name} created (key id ${p.keyId})` });
      onDone();
    },
    onError: (err) => {
      let rest = applyApiError(form, err, prefixed('encryptionProfile', { name: 'name' }));
      if (rest && /already exists/.test(rest)) {
        form.setFieldError('name', rest);
        rest = null;
      } else if (rest && /key|kit/i.test(rest)) {
        // Errors of the imported key file (bad format, wrong checksum) belong to that field.
        form.setFieldError('key', rest);
        rest = null;
      }
      formError.setError(rest);
    },
  });
  return (
    <FormFrame onSubmit={form.onSubmit(formError.attempt(save.mutate))} error={formError.error}>
      <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
      <Select label="Customer" data={options} allowDeselect={false} {...form.getInputProps('customerId')} />
      <Textarea
        label="Import key"
        description="Optional: paste a recovery kit (or a hex / base64 key) to read backups made elsewhere. Empty: a new random key is generated."
        autosize
        minRows={3}
        maxRows={10}
        autoComplete="off"
        spellCheck={false}
        styles={{ input: { fontFamily: 'monospace' } }}
        {...form.getInputProps('key')}
      />
      <FormButtons onCancel={onDone} loading={save.isPending} />
    </FormFrame>
  );
}
