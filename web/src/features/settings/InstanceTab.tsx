import { Button, Group, Loader, NumberInput, Select, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { patch } from '../../api/client';
import { can, useMe } from '../auth/session';
import { applyApiError, prefixed } from './form-errors';
import { timeZones, useInstanceSettings, type InstanceSettings } from './queries';
import { ErrorAlert } from '../../components/ErrorAlert';

/** Instance settings: max concurrent runs, default time zone, catch-up window. */
export function InstanceTab() {
  const settings = useInstanceSettings();
  if (settings.error) return <ErrorAlert error={settings.error} />;
  if (!settings.data) return <Loader />;
  return <InstanceForm current={settings.data} />;
}

function InstanceForm({ current }: { current: InstanceSettings }) {
  const qc = useQueryClient();
  const me = useMe();
  const admin = can(me.data, 'admin') && !!me.data?.allCustomers;
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<{ maxConcurrentRuns: number | string; timezone: string; catchUpWindowSeconds: number | string }>(
    { initialValues: current },
  );
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      patch<InstanceSettings>('/api/settings', {
        maxConcurrentRuns: v.maxConcurrentRuns === '' ? undefined : Number(v.maxConcurrentRuns),
        timezone: v.timezone,
        catchUpWindowSeconds: v.catchUpWindowSeconds === '' ? undefined : Number(v.catchUpWindowSeconds),
      }),
    onSuccess: async (s) => {
      qc.setQueryData(['settings'], s);
      await qc.invalidateQueries({ queryKey: ['settings'] });
      form.setValues(s);
      form.resetDirty(s);
      notifications.show({ color: 'green', message: 'Settings saved' });
    },
    onError: (err) => {
      const fields = {
        maxConcurrentRuns: 'maxConcurrentRuns',
        timezone: 'timezone',
        catchUpWindowSeconds: 'catchUpWindowSeconds',
      };
      setFormError(applyApiError(form, err, prefixed('settings', fields)));
    },
  });
  return (
    <form
      onSubmit={form.onSubmit((v) => {
        setFormError(null);
        save.mutate(v);
      })}
    >
      <Stack maw={480}>
        {!admin && (
          <Text size="sm" c="dimmed">
            Only installation administrators change these settings.
          </Text>
        )}
        <ErrorAlert error={formError} />
        <NumberInput
          label="Max concurrent runs"
          description="Runs executing at the same time on this installation"
          min={1}
          max={64}
          allowDecimal={false}
          disabled={!admin}
          {...form.getInputProps('maxConcurrentRuns')}
        />
        <Select
          label="Time zone"
          // No hidden options list labelled like the input while closed (one match per label).
          comboboxProps={{ keepMounted: false }}
          description="Default for new schedules and for display"
          data={timeZones()}
          searchable
          allowDeselect={false}
          disabled={!admin}
          {...form.getInputProps('timezone')}
        />
        <NumberInput
          label="Catch-up window (seconds)"
          description="A run missed while the server was down runs once at start if it is at most this old"
          min={0}
          max={604800}
          allowDecimal={false}
          disabled={!admin}
          {...form.getInputProps('catchUpWindowSeconds')}
        />
        {admin && (
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}
