import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  MultiSelect,
  PasswordInput,
  Select,
  Stack,
  Table,
  TextInput,
} from '@mantine/core';
import { SettingsForm } from './SettingsForm';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { post } from '../../api/client';
import type { User } from '../../api/types';
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
      {users.error && (
        <Alert color="red" role="alert">
          {users.error.message}
        </Alert>
      )}
      {users.isLoading ? (
        <Loader />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Customers</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
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
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title="New user">
        {creating && <UserForm onDone={() => setCreating(false)} />}
      </Modal>
    </Stack>
  );
}

function UserForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const customers = useCustomers();
  const [formError, setFormError] = useState<string | null>(null);
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
