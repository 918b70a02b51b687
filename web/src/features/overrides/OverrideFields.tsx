import { Checkbox, Group, Radio, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import type { OverrideLevel } from '../../api/types';
import type { JobOption } from '../run-checks/lookups';
import { ERROR_MATCH_OPTIONS, LEVEL_OPTIONS, type OverrideFormValues } from './override-form';

/**
 * The fields of an override rule, shared by the Overrides page and Run Checks' "Mark as
 * success" dialog: level, what it applies to, statuses, error text, result, validity, comment.
 */
export function OverrideFields({
  form,
  jobs,
  customers,
  objectNames = [],
}: {
  form: UseFormReturnType<OverrideFormValues>;
  jobs: JobOption[];
  customers: { value: string; label: string }[];
  /** Objects of the run the rule is drafted from (suggestions for the object name). */
  objectNames?: string[];
}) {
  const level = form.values.level;
  return (
    <Stack gap="sm">
      <Radio.Group
        label="Level"
        description="Object rules are checked first, then job rules, then global ones; the first match decides"
        {...form.getInputProps('level')}
        onChange={(v) => form.setFieldValue('level', v as OverrideLevel)}
      >
        <Group mt={4}>
          {LEVEL_OPTIONS.map((o) => (
            <Radio key={o.value} value={o.value} label={o.label} />
          ))}
        </Group>
      </Radio.Group>

      {level === 'global' ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Software" placeholder="Any software" {...form.getInputProps('software')} />
          <TextInput label="Backup type" placeholder="Any type" {...form.getInputProps('backupType')} />
          <TextInput
            label="Job name pattern"
            placeholder="Any job"
            description="Whole name; * any characters, ? one"
            {...form.getInputProps('jobNamePattern')}
          />
          <Select
            label="Customer"
            placeholder="Any customer"
            data={customers}
            searchable
            clearable
            {...form.getInputProps('customerId')}
          />
        </SimpleGrid>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: level === 'object' ? 2 : 1 }} spacing="sm">
          <Select
            label="Job"
            placeholder="Choose a job"
            data={jobs}
            searchable
            withAsterisk
            {...form.getInputProps('jobId')}
          />
          {level === 'object' && (
            <TextInput
              label="Object name"
              withAsterisk
              description={objectNames.length ? `In this run: ${objectNames.join(', ')}` : undefined}
              {...form.getInputProps('objectName')}
            />
          )}
        </SimpleGrid>
      )}

      <Checkbox.Group
        label="Statuses to match"
        withAsterisk
        {...form.getInputProps('statuses')}
        onChange={(v) => form.setFieldValue('statuses', v as OverrideFormValues['statuses'])}
      >
        <Group mt={4}>
          <Checkbox value="warning" label="Warning" />
          <Checkbox value="failed" label="Failed" />
        </Group>
      </Checkbox.Group>

      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <Select
          label="Error text match"
          data={ERROR_MATCH_OPTIONS}
          allowDeselect={false}
          {...form.getInputProps('errorMatch')}
        />
        <TextInput
          label="Error text"
          placeholder="Empty: any message"
          description="Case-insensitive"
          style={{ gridColumn: 'span 2' }}
          {...form.getInputProps('errorText')}
        />
      </SimpleGrid>

      <Switch
        label="Treat as success"
        description="Off: the rule only records that it matched; the status stays"
        {...form.getInputProps('treatAsSuccess', { type: 'checkbox' })}
      />

      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput type="date" label="Valid from" {...form.getInputProps('validFrom')} />
        <TextInput type="date" label="Valid until" {...form.getInputProps('validUntil')} />
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt={-8}>
        Whole days in the instance time zone; empty means no limit.
      </Text>

      <Textarea label="Comment" autosize minRows={2} maxRows={6} {...form.getInputProps('comment')} />
    </Stack>
  );
}
