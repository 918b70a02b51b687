import { Badge, Button, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get, patch, post } from '../../api/client';
import type { Customer, CustomerImportResult, CustomerWithCounts, Page } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FileImportButton } from '../../components/FileImportButton';
import { EditModal, FormButtons, FormFrame, useFormError } from '../../components/FormModal';
import { ResultsAlert } from '../../components/ResultsAlert';
import { SearchInput } from '../../components/SearchInput';
import { can, useMe } from '../auth/session';
import { applyApiError, prefixed } from '../settings/form-errors';
import { timeZones } from '../settings/queries';
import { filterCustomers, hasNoJobs, importSummary, jobBreakdown } from './customers-logic';

function useCustomersWithCounts() {
  return useQuery({
    queryKey: ['customers', 'with-counts'],
    queryFn: async () => (await get<Page<CustomerWithCounts>>('/api/customers')).items,
  });
}

/**
 * /customers: every customer with its job counts (none in red), create, rename,
 * activate/deactivate, and CSV export/import (name[,active][,timezone], all or nothing).
 */
export default function CustomersPage() {
  const me = useMe();
  const qc = useQueryClient();
  const customers = useCustomersWithCounts();
  const writable = can(me.data, 'write');
  const [editing, setEditing] = useState<Customer | 'new' | null>(null);
  const [q, setQ] = useState('');
  const [imported, setImported] = useState<CustomerImportResult | null>(null);

  const toggle = useMutation({
    mutationFn: (c: Customer) => patch<Customer>(`/api/customers/${c.id}`, { active: !c.active }),
    onSuccess: async (c) => {
      await qc.invalidateQueries({ queryKey: ['customers'] });
      notifications.show({ message: `${c.name} ${c.active ? 'activated' : 'deactivated'}` });
    },
    onError: (err) => notifications.show({ color: 'red', message: err.message }),
  });
  const importCsv = useMutation({
    mutationFn: async (file: File) => post<CustomerImportResult>('/api/customers/import', { csv: await file.text() }),
    onSuccess: async (r) => {
      setImported(r);
      await qc.invalidateQueries({ queryKey: ['customers'] });
    },
    onError: () => setImported(null),
  });

  const rows = filterCustomers(customers.data ?? [], q);
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Customers</Title>
        <Group gap="xs">
          <Button
            component="a"
            href="/api/customers/export"
            download="customers.csv"
            variant="default"
            leftSection={<IconDownload size={16} />}
          >
            Export CSV
          </Button>
          {writable && (
            <>
              <FileImportButton
                accept=".csv,text/csv"
                inputLabel="Choose a CSV file of customers"
                loading={importCsv.isPending}
                onFile={(file) => importCsv.mutate(file)}
              >
                Import CSV
              </FileImportButton>
              <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                New customer
              </Button>
            </>
          )}
        </Group>
      </Group>
      <ErrorAlert error={importCsv.error} title="Import failed" />
      {imported && (
        <ResultsAlert
          color={imported.errors.length ? 'red' : 'green'}
          title={`CSV import: ${importSummary(imported)}`}
          dismissLabel="Dismiss import results"
          onDismiss={() => setImported(null)}
        >
          {imported.errors.length > 0 && (
            <DataTable verticalSpacing={2} aria-label="Import errors" head={['Line', 'Problem']}>
              {imported.errors.map((e) => (
                <Table.Tr key={`${e.line}-${e.message}`}>
                  <Table.Td>{e.line}</Table.Td>
                  <Table.Td>{e.message}</Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          )}
        </ResultsAlert>
      )}
      <SearchInput
        label="Search customers"
        placeholder="Part of a name"
        value={q}
        onChange={setQ}
        w={{ base: '100%', sm: 300 }}
      />
      <ListState
        error={customers.error}
        loading={customers.isLoading}
        empty={rows.length === 0}
        emptyText={q ? 'No customer matches this search.' : 'No customers yet.'}
      >
        <DataTable
          minWidth={720}
          striped
          verticalSpacing="sm"
          aria-label="Customers"
          head={['Name', 'Slug', 'Status', 'Time zone', 'Jobs', writable && 'Actions']}
        >
          {rows.map((c) => (
            <Table.Tr key={c.id} data-customer={c.name}>
              <Table.Td fw={500}>{c.name}</Table.Td>
              <Table.Td>{c.slug}</Table.Td>
              <Table.Td>
                <Badge color={c.active ? 'green' : 'gray'} variant="light" tt="none">
                  {c.active ? 'Active' : 'Inactive'}
                </Badge>
              </Table.Td>
              <Table.Td>{c.timezone ?? <Text c="dimmed">instance default</Text>}</Table.Td>
              <Table.Td>
                {c.jobCounts ? (
                  <Group gap={6} wrap="nowrap">
                    <Text
                      size="sm"
                      fw={600}
                      c={hasNoJobs(c) ? 'red' : undefined}
                      data-zero={hasNoJobs(c) || undefined}
                      aria-label={`${c.jobCounts.total} jobs`}
                    >
                      {c.jobCounts.total}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {jobBreakdown(c.jobCounts)}
                    </Text>
                  </Group>
                ) : (
                  '—'
                )}
              </Table.Td>
              {writable && (
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Button size="xs" variant="light" onClick={() => setEditing(c)} aria-label={`Rename ${c.name}`}>
                      Rename
                    </Button>
                    <Button
                      size="xs"
                      variant="default"
                      loading={toggle.isPending && toggle.variables?.id === c.id}
                      onClick={() => toggle.mutate(c)}
                      aria-label={`${c.active ? 'Deactivate' : 'Activate'} ${c.name}`}
                    >
                      {c.active ? 'Deactivate' : 'Activate'}
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
        title={editing === 'new' ? 'New customer' : `Rename ${editing?.name ?? ''}`}
      >
        {(customer) => <CustomerForm customer={customer} onDone={() => setEditing(null)} />}
      </EditModal>
    </Stack>
  );
}

function CustomerForm({ customer, onDone }: { customer: Customer | null; onDone: () => void }) {
  const qc = useQueryClient();
  const formError = useFormError();
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
      formError.setError(rest);
    },
  });
  return (
    <FormFrame onSubmit={form.onSubmit(formError.attempt(save.mutate))} error={formError.error}>
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
      <FormButtons onCancel={onDone} loading={save.isPending} />
    </FormFrame>
  );
}
