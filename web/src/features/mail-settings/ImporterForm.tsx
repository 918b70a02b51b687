import { Button, Group, NumberInput, PasswordInput, Select, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { patch, post } from '../../api/client';
import type { MailImporter, MailImporterKind } from '../../api/types';
import { FormButtons, FormFrame, useFormError } from '../../components/FormModal';
import { applyApiError } from '../settings/form-errors';
import {
  IMPORTER_FIELDS,
  importerBody,
  initialValues,
  INTERVAL_OPTIONS,
  KIND_OPTIONS,
  polls,
  configValues,
  validateImporter,
  type ImporterField,
  type ImporterFormValues,
} from './importer-form';

/** A stored secret shows "•••• set" and a Change button; only a typed value is ever sent. */
function SecretInput({
  field,
  stored,
  inputProps,
}: {
  field: ImporterField;
  stored: boolean;
  inputProps: { value?: unknown; onChange: (v: unknown) => void; error?: unknown };
}) {
  const [changing, setChanging] = useState(!stored);
  if (!changing)
    return (
      <div>
        <Text size="sm" fw={500}>
          {field.label}
        </Text>
        <Group gap="sm">
          <Text size="sm" aria-label={`${field.label} is set`}>
            •••• set
          </Text>
          <Button size="compact-xs" variant="light" onClick={() => setChanging(true)}>
            Change {field.label.toLowerCase()}
          </Button>
        </Group>
      </div>
    );
  return (
    <PasswordInput
      label={field.label}
      description={stored ? 'Leave empty to keep the stored one' : field.description}
      autoComplete="new-password"
      value={String(inputProps.value ?? '')}
      onChange={(e) => inputProps.onChange(e.currentTarget.value)}
      error={inputProps.error as string | undefined}
    />
  );
}

/** Create or edit one mail importer (IMAP, Microsoft Graph or the SMTP receiver). */
export function ImporterForm({ importer, onDone }: { importer: MailImporter | null; onDone: () => void }) {
  const qc = useQueryClient();
  const formError = useFormError();
  const form = useForm<ImporterFormValues>({
    initialValues: initialValues(importer),
    validate: (v) => validateImporter(v, importer?.hasSecret),
  });
  const kind = form.values.kind;
  const save = useMutation({
    mutationFn: (v: ImporterFormValues) =>
      importer
        ? patch<MailImporter>(`/api/mail-importers/${importer.id}`, importerBody(v, false))
        : post<MailImporter>('/api/mail-importers', importerBody(v, true)),
    onSuccess: async (saved) => {
      await qc.invalidateQueries({ queryKey: ['mail-importers'] });
      notifications.show({ color: 'green', message: `Importer ${saved.name} saved` });
      onDone();
    },
    onError: (err) =>
      formError.setError(
        applyApiError(form, err, (path) => {
          const m = /^(?:body\.|importer\.|mailImporter\.)?(name|enabled|intervalMinutes|config\.[A-Za-z]+)/.exec(path);
          return m ? m[1]! : null;
        }),
      ),
  });

  return (
    <FormFrame onSubmit={form.onSubmit(formError.attempt(save.mutate))} error={formError.error}>
      <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
      <Select
        label="Type"
        data={KIND_OPTIONS}
        allowDeselect={false}
        disabled={!!importer}
        value={kind}
        onChange={(v) => {
          if (!v) return;
          form.setFieldValue('kind', v as MailImporterKind);
          form.setFieldValue('config', configValues(v as MailImporterKind));
        }}
      />
      <Switch label="Enabled" {...form.getInputProps('enabled', { type: 'checkbox' })} />
      {polls(kind) && (
        <Select
          label="Check for new mail"
          data={INTERVAL_OPTIONS}
          allowDeselect={false}
          {...form.getInputProps('intervalMinutes')}
        />
      )}
      {IMPORTER_FIELDS[kind].map((f) => {
        const props = form.getInputProps(`config.${f.key}`);
        switch (f.type) {
          case 'secret':
            return (
              <SecretInput
                key={`${kind}-${f.key}`}
                field={f}
                stored={!!importer?.hasSecret?.[f.key]}
                inputProps={props}
              />
            );
          case 'boolean':
            return (
              <Switch
                key={`${kind}-${f.key}`}
                label={f.label}
                description={f.description}
                {...form.getInputProps(`config.${f.key}`, { type: 'checkbox' })}
              />
            );
          case 'number':
          case 'mib':
            return (
              <NumberInput
                key={`${kind}-${f.key}`}
                label={f.label}
                description={f.description}
                allowDecimal={f.type === 'mib'}
                min={1}
                {...props}
              />
            );
          default:
            return (
              <TextInput
                key={`${kind}-${f.key}`}
                label={f.label}
                description={f.description}
                placeholder={f.placeholder}
                {...props}
              />
            );
        }
      })}
      <FormButtons onCancel={onDone} loading={save.isPending} />
    </FormFrame>
  );
}
