import { ActionIcon, Button, Card, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconEye, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import type { Resource } from '../../api/types';
import { newDestination, RETENTION_OPTIONS, retentionOf, type JobFormValues, type RetentionType } from './job-form';
import { RetentionPreviewModal, type PreviewRequest } from './RetentionPreviewModal';

const GFS = [
  ['daily', 'Daily'],
  ['weekly', 'Weekly'],
  ['monthly', 'Monthly'],
  ['yearly', 'Yearly'],
] as const;

/**
 * One row per destination, each with its own retention. "Preview retention" asks the server
 * what the policy in the form would delete now (dry run), for a saved job.
 */
export function DestinationsField({
  form,
  destinations,
  jobId,
}: {
  form: UseFormReturnType<JobFormValues>;
  /** The destinations of the chosen customer. */
  destinations: Resource[];
  jobId: number | null;
}) {
  const [preview, setPreview] = useState<PreviewRequest | null>(null);
  const rows = form.getValues().destinations;
  const data = destinations.map((d) => ({ value: String(d.id), label: `${d.name} (${d.kind})` }));
  return (
    <Stack gap="sm">
      {rows.map((row, i) => (
        <Card key={row.key} withBorder padding="sm">
          <Stack gap="xs">
            <Group align="flex-end" wrap="nowrap">
              <Select
                label="Destination"
                placeholder={data.length ? 'Choose a destination' : 'No destination for this customer yet'}
                data={data}
                withAsterisk
                style={{ flex: 1 }}
                {...form.getInputProps(`destinations.${i}.destinationId`)}
              />
              {rows.length > 1 && (
                <ActionIcon
                  variant="subtle"
                  color="red"
                  size="lg"
                  aria-label={`Remove destination ${i + 1}`}
                  onClick={() => form.removeListItem('destinations', i)}
                >
                  <IconTrash size={18} />
                </ActionIcon>
              )}
            </Group>
            <Group align="flex-end" gap="sm">
              <Select
                label="Retention"
                data={RETENTION_OPTIONS}
                allowDeselect={false}
                w={160}
                {...form.getInputProps(`destinations.${i}.retention`)}
                onChange={(v) => form.setFieldValue(`destinations.${i}.retention`, (v ?? 'none') as RetentionType)}
              />
              {row.retention === 'keep_last' && (
                <NumberInput
                  label="Keep last"
                  min={1}
                  allowDecimal={false}
                  w={120}
                  {...form.getInputProps(`destinations.${i}.count`)}
                />
              )}
              {row.retention === 'gfs' &&
                GFS.map(([field, label]) => (
                  <NumberInput
                    key={field}
                    label={label}
                    min={0}
                    allowDecimal={false}
                    w={90}
                    {...form.getInputProps(`destinations.${i}.${field}`)}
                  />
                ))}
              <Button
                variant="default"
                leftSection={<IconEye size={16} />}
                disabled={jobId === null || !row.destinationId}
                title={jobId === null ? 'Save the job first to preview its retention' : undefined}
                onClick={() =>
                  jobId !== null &&
                  row.destinationId &&
                  setPreview({
                    jobId,
                    index: i,
                    destinationId: Number(row.destinationId),
                    destinationName: data.find((d) => d.value === row.destinationId)?.label ?? '',
                    retention: retentionOf(row),
                  })
                }
              >
                Preview retention
              </Button>
            </Group>
            {row.retention === 'none' && (
              <Text size="xs" c="dimmed">
                Every backup is kept.
              </Text>
            )}
          </Stack>
        </Card>
      ))}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlus size={16} />}
          onClick={() => form.insertListItem('destinations', newDestination())}
        >
          Add destination
        </Button>
        {jobId === null && (
          <Text size="xs" c="dimmed">
            The retention preview is available once the job is saved.
          </Text>
        )}
      </Group>
      <RetentionPreviewModal
        request={preview}
        onClose={() => setPreview(null)}
        onInvalid={(index, message) => form.setFieldError(`destinations.${index}.retention`, message)}
      />
    </Stack>
  );
}
