import { Select, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { patch, post } from '../../api/client';
import type { Resource } from '../../api/types';
import { FormButtons, FormFrame, FormModal, useFormError } from '../../components/FormModal';
import { ConfigField } from './ConfigField';
import { applyApiError, prefixed } from './form-errors';
import { customerOptions, defaultCustomerId, useCustomers } from './queries';
import {
  FieldInputError,
  initialConfig,
  kindDef,
  kindOptions,
  toConfig,
  type ConfigValues,
  type ResourceType,
} from './resource-kinds';

export interface ResourceNoun {
  type: ResourceType;
  /** "source", "destination", "channel": for titles and messages. */
  noun: string;
  /** The API's name in error paths: source, destination, notification_channel. */
  entity: string;
}

interface Values {
  name: string;
  customerId: string;
  kind: string;
  config: ConfigValues;
}

/** Create or edit one source / destination / channel. `resource` null = create. */
export function ResourceFormModal({
  what,
  resource,
  opened,
  onClose,
}: {
  what: ResourceNoun;
  resource: Resource | null;
  opened: boolean;
  onClose: () => void;
}) {
  return (
    <FormModal
      opened={opened}
      onClose={onClose}
      title={resource ? `Edit ${what.noun} ${resource.name}` : `New ${what.noun}`}
      size="lg"
    >
      <ResourceForm key={resource?.id ?? 'new'} what={what} resource={resource} onDone={onClose} />
    </FormModal>
  );
}

function ResourceForm({
  what,
  resource,
  onDone,
}: {
  what: ResourceNoun;
  resource: Resource | null;
  onDone: () => void;
}) {
  const qc = useQueryClient();
  const customers = useCustomers();
  const options = customerOptions(customers.data, resource?.customerId);
  const firstKind = kindOptions(what.type)[0]?.value ?? '';
  const kind0 = resource?.kind ?? firstKind;
  const formError = useFormError();
  const form = useForm<Values>({
    initialValues: {
      name: resource?.name ?? '',
      customerId: resource ? String(resource.customerId) : defaultCustomerId(customers.data),
      kind: kind0,
      config: initialConfig(kindDef(what.type, kind0), resource?.config),
    },
  });
  // The customer list may arrive after the form: default to the only / first customer.
  const firstCustomer = defaultCustomerId(customers.data);
  useEffect(() => {
    if (!form.values.customerId && firstCustomer) form.setFieldValue('customerId', firstCustomer);
  }, [firstCustomer, form.values.customerId]);

  const def = kindDef(what.type, form.values.kind);
  const save = useMutation({
    mutationFn: (v: Values) => {
      const config = toConfig(def, v.config, resource?.config);
      return resource
        ? patch<Resource>(`/api/${what.type}/${resource.id}`, { name: v.name.trim(), config })
        : post<Resource>(`/api/${what.type}`, {
            name: v.name.trim(),
            kind: v.kind,
            customerId: Number(v.customerId),
            config,
          });
    },
    onSuccess: async (saved) => {
      await qc.invalidateQueries({ queryKey: [what.type] });
      notifications.show({ color: 'green', message: `${capitalize(what.noun)} ${saved.name} saved` });
      onDone();
    },
    onError: (err) => {
      if (err instanceof FieldInputError) {
        form.setFieldError(`config.${err.key}`, err.message);
        formError.setError(null);
        return;
      }
      const toField = prefixed(what.entity, { name: 'name', kind: 'kind', customer: 'customerId' }, true);
      let rest = applyApiError(form, err, toField);
      // "source 'x' already exists for customer ..." belongs to the name.
      if (rest && /already exists/.test(rest)) {
        form.setFieldError('name', rest);
        rest = null;
      }
      formError.setError(rest);
    },
  });

  return (
    <FormFrame onSubmit={form.onSubmit(formError.attempt(save.mutate))} error={formError.error} noValidate>
      <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
      <Select
        label="Customer"
        data={options}
        allowDeselect={false}
        disabled={!!resource}
        description={resource ? 'A resource stays with its customer' : undefined}
        {...form.getInputProps('customerId')}
      />
      <Select
        label="Type"
        data={kindOptions(what.type)}
        allowDeselect={false}
        disabled={!!resource}
        {...form.getInputProps('kind')}
        onChange={(k) => {
          if (!k) return;
          form.setFieldValue('kind', k);
          form.setFieldValue('config', initialConfig(kindDef(what.type, k)));
          form.clearErrors();
        }}
      />
      {def?.fields.map((f) => (
        <ConfigField
          key={`${form.values.kind}.${f.key}`}
          field={f}
          input={form.getInputProps(`config.${f.key}`)}
          stored={!!resource?.hasSecret[f.key]}
        />
      ))}
      <FormButtons onCancel={onDone} loading={save.isPending} />
    </FormFrame>
  );
}

const capitalize = (s: string) => s[0]!.toUpperCase() + s.slice(1);
