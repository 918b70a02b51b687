import {
  Badge,
  Button,
  Checkbox,
  Group,
  MultiSelect,
  PasswordInput,
  Select,
  Stack,
  Table,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { post } from '../../api/client';
import type { User } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';
import { FormButtons, FormFrame, FormModal, useFormError } from '../../components/FormModal';
import { applyApiError, prefixed } from './form-errors';
import { customerOptions, useCustomers, useUsers } from './queries';

const ROLES = [
  { value: 'admin', label: 'Admin — everything, users and settings' },
  { value: 'operator', label: 'Operator — edit, run and restore' },
  { value: 'reporter', label: 'Reporter — read' },
  { value: 'viewer', label: 'Viewer — read' },
];

/** Users (installation administrators only): list and create. */
export function UsersTab() {
  const users = useUsers(true);
  const customers = useCustomers();
  const [creating, setCreating] = useState(false);
  const customerName = (id: number) => customers.data?.find((c) => c.id === id)?.name ?? `#${id}`;
  return (
    <Stack>
      <Group>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New user
        </Button>
      </Group>
      <ListState error={users.error} loading={users.isLoading}>
        <DataTable minWidth={520} striped verticalSpacing="sm" head={['User name', 'Role', 'Customers']}>
          {(users.data ?? []).map((u) => (
            <Table.Tr key={u.id ?? u.username}>
              <Table.Td fw={500}>{u.username}</Table.Td>
              <Table.Td>
                <Badge variant="light" color={u.role === 'admin' ? 'red' : 'blue'}>
                  {u.role}
                </Badge>
              </Table.Td>
              <Table.Td>
                {u.allCustomers ? 'All customers' : u.customerIds.map(customerName).join(', ') || 'None yet'}
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>
      <FormModal opened={creating} onClose={() => setCreating(false)} title="New user">
        <UserForm onDone={() => setCreating(false)} />
      </FormModal>
    </Stack>
  );
}

function UserForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const customers = useCustomers();
  const formError = useFormError();
  const form = useForm({
    initialValues: { username: '', password: '', role: 'viewer', allCustomers: false, customerIds: [] as string[] },
    validate: {
      password: (v) => (v.length < 10 ? 'At least 10 characters' : null),
      customerIds: (v, all) => (!all.allCustomers && !v.length ? 'Choose customers, or all customers' : null),
    },
  });
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      post<User>('/api/users', {
        username: v.username.trim(),
        password: v.password,
        role: v.role,
        allCustomers: v.allCustomers,
        customerIds: v.allCustomers ? [] : v.customerIds.map(Number),
      }),
    onSuccess: async (u) => {
      await qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'green', message: `User ${u.username} created` });
      onDone();
    },
    onError: (err) => {
      const fields = { username: 'username', role: 'role', customerIds: 'customerIds', password: 'password' };
      let rest = applyApiError(form, err, prefixed('user', fields));
      if (rest && /^password/.test(rest)) {
        form.setFieldError('password', rest);
        rest = null;
      }
      formError.setError(rest);
    },
  });
  return (
    <FormFrame onSubmit={form.onSubmit(formError.attempt(save.mutate))} error={formError.error}>
      <TextInput label="User name" autoComplete="off" data-autofocus {...form.getInputProps('username')} />
      <PasswordInput
        label="Password"
        autoComplete="new-password"
        description="At least 10 characters"
        {...form.getInputProps('password')}
      />
      <Select label="Role" data={ROLES} allowDeselect={false} {...form.getInputProps('role')} />
      <Checkbox label="All customers" {...form.getInputProps('allCustomers', { type: 'checkbox' })} />
      {!form.values.allCustomers && (
        <MultiSelect
          label="Customers"
          data={customerOptions(customers.data)}
          searchable
          {...form.getInputProps('customerIds')}
        />
      )}
      <FormButtons onCancel={onDone} loading={save.isPending} />
    </FormFrame>
  );
}
