import {
  ActionIcon,
  Button,
  Group,
  Modal,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect } from 'react';
import type { Ticket } from '../../api/types';
import { FormButtons, FormFrame } from '../../components/FormModal';
import { useCustomerOptions, useJobOptions } from '../run-checks/lookups';
import { todayIn } from '../run-checks/review-time';
import { useSaveTicket } from './queries';
import {
  formToTicketPayload,
  newTicketForm,
  ticketToForm,
  validateTicketForm,
  type TicketFormValues,
} from './tickets-logic';

export interface TicketPreset {
  /** From Run Checks: the ticket is linked to this run and scoped to its job. */
  runId: number;
  jobId: number;
  /** Objects of the run that did not succeed: offered as object scopes. */
  objectNames?: string[];
}

/**
 * Create a ticket (external reference, e.g. the PSA ticket number) or edit one: description,
 * active-from and start dates, and the scopes it covers (jobs, customers, objects). A ticket
 * shows 🎫 on what it covers; it does not review any run.
 */
export function TicketModal({
  opened,
  onClose,
  ticket,
  preset,
  timeZone,
}: {
  opened: boolean;
  onClose: () => void;
  ticket?: Ticket | null;
  preset?: TicketPreset | null;
  timeZone: string;
}) {
  const jobs = useJobOptions(opened);
  const customers = useCustomerOptions(opened);
  const save = useSaveTicket();
  const form = useForm<TicketFormValues>({
    initialValues: newTicketForm({ today: '' }),
    validate: validateTicketForm,
  });

  useEffect(() => {
    if (!opened) return;
    form.setValues(
      ticket ? ticketToForm(ticket, timeZone) : newTicketForm({ jobId: preset?.jobId, today: todayIn(timeZone) }),
    );
    form.clearErrors();
    save.reset();
  }, [opened, ticket?.id, preset?.runId]);

  const submit = form.onSubmit((values) =>
    save.mutate(
      { id: ticket?.id ?? null, body: formToTicketPayload(values, timeZone, ticket, preset?.runId) },
      {
        onSuccess: (t) => {
          notifications.show({ message: ticket ? `Ticket ${t.code} saved` : `Ticket ${t.code} created` });
          onClose();
        },
      },
    ),
  );

  const addObject = (objectName = '') =>
    form.insertListItem('objects', { jobId: preset ? String(preset.jobId) : null, objectName });
  const suggested = (preset?.objectNames ?? []).filter(
    (n) => !form.values.objects.some((o) => o.objectName.trim() === n),
  );

  return (
    <Modal opened={opened} onClose={onClose} title={ticket ? `Edit ticket ${ticket.code}` : 'Create ticket'} size="lg">
      <FormFrame onSubmit={submit} noValidate>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label="Ticket code" withAsterisk placeholder="e.g. PSA-12345" {...form.getInputProps('code')} />
          <TextInput type="date" label="Active from" {...form.getInputProps('activeFrom')} />
          <TextInput type="date" label="Start date" {...form.getInputProps('startDate')} />
        </SimpleGrid>
        <Textarea label="Description" autosize minRows={2} maxRows={8} {...form.getInputProps('description')} />
        {preset && !ticket && <Text size="sm">Linked to run #{preset.runId}</Text>}

        <Text fw={600} size="sm">
          Scopes
        </Text>
        <MultiSelect
          label="Jobs"
          data={jobs.data ?? []}
          searchable
          placeholder={jobs.isLoading ? 'Loading…' : 'Jobs this ticket covers'}
          {...form.getInputProps('jobIds')}
        />
        <MultiSelect
          label="Customers"
          data={customers.data ?? []}
          searchable
          placeholder="Every job of these customers"
          {...form.getInputProps('customerIds')}
        />
        <Stack gap="xs">
          {form.values.objects.map((_, i) => (
            <Group key={i} align="flex-end" wrap="nowrap">
              <Select
                label={`Object ${i + 1}: job`}
                data={jobs.data ?? []}
                searchable
                style={{ flex: 1 }}
                {...form.getInputProps(`objects.${i}.jobId`)}
              />
              <TextInput
                label={`Object ${i + 1}: name`}
                style={{ flex: 1 }}
                {...form.getInputProps(`objects.${i}.objectName`)}
              />
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={`Remove object ${i + 1}`}
                onClick={() => form.removeListItem('objects', i)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group gap="xs">
            <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} onClick={() => addObject()}>
              Add object
            </Button>
            {suggested.map((n) => (
              <Button key={n} variant="light" size="xs" onClick={() => addObject(n)}>
                Add object {n}
              </Button>
            ))}
          </Group>
        </Stack>

        <Text size="xs" c="dimmed">
          A ticket shows 🎫 on the jobs it covers until it is resolved. It does not review the run: mark it reviewed in
          Run Checks.
        </Text>
        <FormButtons
          onCancel={onClose}
          loading={save.isPending}
          error={save.error}
          submitLabel={ticket ? 'Save' : 'Create ticket'}
        />
      </FormFrame>
    </Modal>
  );
}
