import { Alert, Badge, Button, Group, Loader, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { SettingsForm } from './SettingsForm';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { patch, post } from '../../api/client';
import type { Customer } from '../../api/types';
import { can, useMe } from '../auth/session';
import { applyApiError, prefixed } from './form-errors';
import { timeZones, useCustomers } from './queries';

/** Customers (tenants): create, rename, set a time zone, activate / deactivate. */
export function CustomersTab() {
  const me = useMe();
  const qc = useQueryClient();
  const customers = useCustomers();
  const writable = can(me.data, 'write');
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const toggle = useMutation({
    mutationFn: (c: Customer) => patch<Customer>(`/api/customers/${c.id}`, { active: !c.active }),
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: ['customers'] });
      notifications.show({ message: `${c.name} ${c.active ? 'activated' : 'deactivated'}` });
    },
    onError: (err) => notifications.show({ color: 'red', message: err.message }),
  });

  return (
    <Stack>
      {writable && (
        <Group>
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
            New customer
          </Button>
        </Group>
      )}
      {customers.error && (
        <Alert color="red" role="alert">
          {customers.error.message}
        </Alert>
      )}
      {customers.isLoading ? (
        <Loader />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Slug</Table.Th>
                <Table.Th>Time zone</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(customers.data ?? []).map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td fw={500}>{c.name}</Table.Td>
                  <Table.Td>{c.slug}</Table.Td>
                  <Table.Td>{c.timezone ?? <Text c="dimmed">instance default</Text>}</Table.Td>
                  <Table.Td>
                    <Badge color={c.active ? 'green' : 'gray'} variant="light">
                      {c.active ? 'Active' : 'Inactive'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {writable && (
                      <Group gap="xs" wrap="nowrap">
                        <Button size="xs" variant="light" onClick={() => setEditing(c)} aria-label={`Rename ${c.name}`}>
                          Rename
                        </Button>
                        <Button
                          size="xs"
                          variant="default"
                          loading={toggle.isPending && toggle.variables?.id === c.id}
                          onClick={() => toggle.mutate(c)}
                        >
                          {c.active ? 'Deactivate' : 'Activate'}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? 'New customer' : `Rename ${editing?.name ?? ''}`}
      >
        {editing !== null && (
          <CustomerForm
            key={editing === 'new' ? 'new' : editing.id}
            customer={editing === 'new' ? null : editing}
            onDone={() => setEditing(null)}
          />
        )}
      </Modal>
    </Stack>
  );
}

function CustomerForm({ customer, onDone }: { customer: Customer | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ initialValues: { name: customer?.name ?? '', timezone: customer?.timezone ?? '' } });
  const save = useMutation({
    mutationFn: (v: typeof form.values) => {
      const name = v.name.trim();
      return customer
        ? patch<Customer>(`/api/customers/${customer.id}`, { name, timezone: v.timezone || null })
        : post<Customer>('/api/customers', { name, ...(v.timezone ? { timezone: v.timezone } : {}) });
    },
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: ['customers'] });
      notifications.show({ color: 'green', message: `Customer ${c.name} saved` });
      onDone();
    },
    onError: (err) => {
      let rest = applyApiError(form, err, prefixed('customer', { name: 'name', timezone: 'timezone' }));
      if (rest && /already exists|taken/.test(rest)) {
        form.setFieldError('name', rest);
        rest = null;
      }
      setFormError(rest);
    },
  });
  return (
    <SettingsForm
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        save.mutate(v);
      })}
      error={formError}
    >
      <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
      <Select
        label="Time zone"
        description="For this customer's schedules and reports; empty: the instance's"
        data={timeZones()}
        searchable
        clearable
        {...form.getInputProps('timezone')}
        onChange={(v) => form.setFieldValue('timezone', v ?? '')}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button type="submit" loading={save.isPending}>
          Save
        </Button>
      </Group>
    </SettingsForm>
  );
}
