import { NumberInput, PasswordInput, Select, Textarea, TextInput } from '@mantine/core';
import type { FieldDef } from './resource-kinds';

export type InputProps = {
  value?: unknown;
  onChange: (v: unknown) => void;
  error?: unknown;
  onFocus?: () => void;
  onBlur?: () => void;
};

/** One config input, labelled by its title; a stored secret shows as "stored", never its value. */
export function ConfigField({ field, input, stored }: { field: FieldDef; input: InputProps; stored: boolean }) {
  const common = {
    label: field.label,
    description: field.description,
    error: input.error as string | undefined,
    onFocus: input.onFocus,
    onBlur: input.onBlur,
  };
  const placeholder = stored ? 'stored — leave empty to keep' : field.placeholder;
  if (field.secret) {
    // Secrets are write-only: typed into a masked input, sent only when typed.
    return (
      <PasswordInput
        {...common}
        placeholder={placeholder}
        autoComplete="new-password"
        value={String(input.value ?? '')}
        onChange={(e) => input.onChange(e.currentTarget.value)}
      />
    );
  }
  switch (field.type) {
    case 'number':
      return (
        <NumberInput
          {...common}
          placeholder={placeholder}
          allowDecimal={false}
          value={input.value as number | string}
          onChange={(v) => input.onChange(v)}
        />
      );
    case 'select':
      return (
        <Select
          {...common}
          data={field.options ?? []}
          allowDeselect={false}
          value={String(input.value ?? '')}
          onChange={(v) => input.onChange(v ?? '')}
        />
      );
    case 'textarea':
    case 'json':
      return (
        <Textarea
          {...common}
          placeholder={placeholder}
          autosize
          minRows={3}
          maxRows={12}
          styles={{ input: { fontFamily: 'monospace' } }}
          value={String(input.value ?? '')}
          onChange={(e) => input.onChange(e.currentTarget.value)}
        />
      );
    default:
      return (
        <TextInput
          {...common}
          placeholder={placeholder}
          value={String(input.value ?? '')}
          onChange={(e) => input.onChange(e.currentTarget.value)}
        />
      );
  }
}
