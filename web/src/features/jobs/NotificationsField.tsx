import { ActionIcon, Button, Group, Select, Stack, Text } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconBell, IconTrash } from '@tabler/icons-react';
import type { Resource } from '../../api/types';
import { CONDITION_OPTIONS, newNotification, type JobFormValues } from './job-form';

/** Who hears about the runs: one row per channel with its condition. */
export function NotificationsField({
  form,
  channels,
}: {
  form: UseFormReturnType<JobFormValues>;
  /** The notification channels of the chosen customer. */
  channels: Resource[];
}) {
  const rows = form.getValues().notifications;
  const data = channels.map((c) => ({ value: String(c.id), label: `${c.name} (${c.kind})` }));
  return (
    <Stack gap="xs">
      {rows.length === 0 && (
        <Text size="sm" c="dimmed">
          No notifications: runs are only shown here and in History.
        </Text>
      )}
      {rows.map((row, i) => (
        <Group key={row.key} align="flex-end" wrap="wrap">
          <Select
            label="Channel"
            placeholder={data.length ? 'Choose a channel' : 'No channel for this customer yet'}
            data={data}
            w={{ base: '100%', sm: 260 }}
            {...form.getInputProps(`notifications.${i}.channelId`)}
          />
          <Select
            label="Condition"
            data={CONDITION_OPTIONS}
            allowDeselect={false}
            w={{ base: '100%', sm: 220 }}
            {...form.getInputProps(`notifications.${i}.condition`)}
          />
          <ActionIcon
            variant="subtle"
            color="red"
            size="lg"
            mb={2}
            aria-label={`Remove notification ${i + 1}`}
            onClick={() => form.removeListItem('notifications', i)}
          >
            <IconTrash size={18} />
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="light"
          leftSection={<IconBell size={16} />}
          onClick={() => form.insertListItem('notifications', newNotification())}
        >
          Add notification
        </Button>
      </Group>
    </Stack>
  );
}
