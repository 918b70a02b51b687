import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { useCustomerSearch } from './queries';

/**
 * The approve dialog's customer field: type any part of a name, pick one of the active customers
 * the server finds. Customers cannot be created here (the Customers page does that).
 */
export function CustomerPicker({
  value,
  onChange,
  disabled,
}: {
  value: string | null;
  onChange: (id: string | null) => void;
  disabled?: boolean;
}) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 200);
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  // While the field shows the chosen name, the list is searched for everything again on open.
  const term = picked && debounced === picked.label ? '' : debounced.trim();
  const results = useCustomerSearch(term, !disabled);
  const data = useMemo(() => {
    const options = (results.data ?? []).map((c) => ({ value: String(c.id), label: c.name }));
    if (picked && !options.some((o) => o.value === picked.value)) options.unshift(picked);
    return options;
  }, [results.data, picked]);
  return (
    <Select
      label="Customer"
      placeholder="Select customer"
      description="Type any part of the name. Create missing customers on the Customers page first."
      searchable
      clearable
      disabled={disabled}
      data={data}
      value={value}
      onSearchChange={setSearch}
      onChange={(v, option) => {
        setPicked(v && option ? { value: v, label: option.label } : null);
        onChange(v);
      }}
      nothingFoundMessage={results.isFetching ? 'Searching…' : 'No active customer matches'}
    />
  );
}
