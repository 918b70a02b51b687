import { Alert, Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { post } from '../../api/client';
import type { MonitoredJob } from '../../api/types';
import { FormButtons, FormFrame } from '../../components/FormModal';
import { useCustomerList } from '../jobs/queries';
import { PingUrlPanel } from './PingUrlPanel';

/**
 * A monitored job fed by HTTP pings (for scripts that send no e-mail): name, customer and an
 * optional description; then its ping URL with curl examples.
 */
export function HeartbeatJobModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [created, setCreated] = useState<MonitoredJob | null>(null);
  const close = () => {
    setCreated(null);
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} size="lg" title={created ? `${created.name} created` : 'New heartbeat job'}>
      {created ? <Created job={created} onClose={close} /> : <HeartbeatForm onCreated={setCreated} onCancel={close} />}
    </Modal>
  );
}

function Created({ job, onClose }: { job: MonitoredJob; onClose: () => void }) {
  const navigate = useNavigate();
  return (
    <Stack>
      <Text size="sm">Call this address from the script when it runs; each call becomes a run of the job.</Text>
      {job.monitor?.pingUrl ? (
        <PingUrlPanel pingUrl={job.monitor.pingUrl} />
      ) : (
        <Alert color="yellow">The server did not return a ping URL for this job.</Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
        <Button
          onClick={() => {
            onClose();
            navigate(`/jobs/${job.id}`);
          }}
        >
          Open job
        </Button>
      </Group>
    </Stack>
  );
}

function HeartbeatForm({ onCreated, onCancel }: { onCreated: (job: MonitoredJob) => void; onCancel: () => void }) {
  const qc = useQueryClient();
  const customers = useCustomerList();
  const form = useForm({
    initialValues: { name: '', customerId: '', description: '' },
    validate: {
      name: (v) => (v.trim() ? null : 'A name is required'),
      customerId: (v) => (v ? null : 'Choose a customer'),
    },
  });
  const create = useMutation({
    mutationFn: (v: typeof form.values) =>
      post<MonitoredJob>('/api/jobs', {
        kind: 'monitored',
        feed: 'heartbeat',
        name: v.name.trim(),
        customerId: Number(v.customerId),
        ...(v.description.trim() ? { description: v.description.trim() } : {}),
      }),
    onSuccess: async (job) => {
      await qc.invalidateQueries({ queryKey: ['jobs'] });
      onCreated(job);
    },
  });
  return (
    <FormFrame onSubmit={form.onSubmit((v) => create.mutate(v))} error={create.error}>
      <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
      <Select
        label="Customer"
        searchable
        data={(customers.data ?? []).filter((c) => c.active).map((c) => ({ value: String(c.id), label: c.name }))}
        {...form.getInputProps('customerId')}
        onChange={(v) => form.setFieldValue('customerId', v ?? '')}
      />
      <Textarea label="Description" autosize minRows={2} {...form.getInputProps('description')} />
      <FormButtons onCancel={onCancel} loading={create.isPending} submitLabel="Create job" />
    </FormFrame>
  );
}
