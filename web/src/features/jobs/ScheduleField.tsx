import { Input, MultiSelect, SegmentedControl, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconCalendarTime } from '@tabler/icons-react';
import { useMemo } from 'react';
import type { Schedule } from '../../api/types';
import { readSchedule, scheduleText } from '../../lib/schedule-text';
import { DAY_OPTIONS, scheduleDraft, type JobFormValues } from './job-form';

const FIELD_OF: Record<string, keyof JobFormValues> = {
  'schedule.expression': 'cronExpression',
  'schedule.days': 'days',
  'schedule.times': 'times',
  'schedule.timezone': 'timezone',
};

/** Where the live reading's error belongs in the form ("schedule.times[1]" → "times"). */
export function scheduleErrorField(apiField: string | null): keyof JobFormValues {
  return FIELD_OF[(apiField ?? '').replace(/\[\d+\]$/, '')] ?? 'scheduleType';
}

/**
 * Manual, cron or days + times. Every change is read by the server's own schedule code, so
 * the plain words ("Every day at 02:00 (Europe/Paris)") or the problem show while typing.
 */
export function ScheduleField({
  form,
  defaultTimezone,
  kept,
}: {
  form: UseFormReturnType<JobFormValues>;
  defaultTimezone: string;
  /** A schedule the editor cannot edit (an interval), kept unless another type is chosen. */
  kept?: Schedule | undefined;
}) {
  const v = form.getValues();
  const draft = scheduleDraft(v);
  const reading = useMemo(
    () => (draft ? readSchedule(draft, defaultTimezone) : null),
    // The draft is rebuilt on each render; its JSON is the real dependency.
    [JSON.stringify(draft), defaultTimezone],
  );
  const zones = useMemo(() => {
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    return ['UTC', ...all.filter((z) => z !== 'UTC')];
  }, []);
  const errorAt = reading?.error ? scheduleErrorField(reading.field) : null;
  // A saved error from the server wins over the live one for the same field.
  const errorOf = (field: keyof JobFormValues) =>
    form.errors[field] ?? (errorAt === field ? reading?.error : undefined);

  const types = [
    { value: 'manual', label: 'Manual' },
    { value: 'cron', label: 'Cron' },
    { value: 'weekly', label: 'Weekly' },
    ...(kept ? [{ value: 'keep', label: scheduleText(kept) }] : []),
  ];
  return (
    <Stack gap="sm">
      <Input.Wrapper
        label="Schedule"
        labelElement="div"
        error={errorAt === 'scheduleType' ? reading?.error : form.errors.scheduleType}
      >
        <div>
          <SegmentedControl aria-label="Schedule" data={types} {...form.getInputProps('scheduleType')} />
        </div>
      </Input.Wrapper>
      {v.scheduleType === 'manual' && (
        <Text size="sm" c="dimmed">
          Runs only when started by hand (Run now, the CLI or the API).
        </Text>
      )}
      {v.scheduleType === 'cron' && (
        <TextInput
          label="Cron expression"
          placeholder="0 2 * * *"
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          leftSection={<IconCalendarTime size={16} />}
          {...form.getInputProps('cronExpression')}
          // The plain reading sits right under the field and changes as the user types.
          description={
            reading?.text ??
            (errorOf('cronExpression') ? null : 'minute hour day-of-month month day-of-week, or @daily')
          }
          error={errorOf('cronExpression')}
          inputWrapperOrder={['label', 'input', 'description', 'error']}
          descriptionProps={{ 'aria-live': 'polite', 'data-testid': 'schedule-reading' }}
        />
      )}
      {v.scheduleType === 'weekly' && (
        <>
          <MultiSelect label="Days" data={DAY_OPTIONS} {...form.getInputProps('days')} error={errorOf('days')} />
          <TagsInput
            label="Times"
            placeholder="HH:MM, Enter to add"
            description="Times of day, e.g. 02:00 and 14:30"
            {...form.getInputProps('times')}
            error={errorOf('times')}
          />
        </>
      )}
      {(v.scheduleType === 'cron' || v.scheduleType === 'weekly') && (
        <Select
          label="Time zone"
          searchable
          data={zones}
          {...form.getInputProps('timezone')}
          error={errorOf('timezone')}
        />
      )}
      {reading?.text && v.scheduleType !== 'cron' && (
        <Text size="sm" fw={500} aria-live="polite" data-testid="schedule-reading">
          {reading.text}
        </Text>
      )}
    </Stack>
  );
}
