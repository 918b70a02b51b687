import { Chip, Group, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { SearchInput } from '../../components/SearchInput';
import { JOB_STATUS_OPTIONS } from '../../components/StatusChip';
import { withFilter, type JobsFilters } from './jobs-filters';
import { useCustomerList } from './queries';

/** Free text (debounced), status chips that toggle, and the customer. */
export function JobsFilterBar({ filters, onChange }: { filters: JobsFilters; onChange: (f: JobsFilters) => void }) {
  const customers = useCustomerList();
  const [text, setText] = useState(filters.q);
  const [debounced] = useDebouncedValue(text, 300);
  // The latest filters, for the debounced update (the URL may have changed meanwhile), and the
  // last text this box sent, to tell its own updates from back/forward or a followed link.
  const latest = useRef(filters);
  latest.current = filters;
  const sent = useRef(filters.q);
  useEffect(() => {
    if (debounced.trim() === latest.current.q.trim()) return;
    sent.current = debounced.trim();
    onChange(withFilter(latest.current, { q: debounced.trim() }));
  }, [debounced]);
  useEffect(() => {
    if (filters.q !== sent.current) {
      sent.current = filters.q;
      setText(filters.q);
    }
  }, [filters.q]);

  return (
    <Group align="flex-end" gap="md" wrap="wrap">
      <SearchInput
        label="Search jobs"
        placeholder="Part of a name"
        value={text}
        onChange={setText}
        w={{ base: '100%', sm: 260 }}
      />
      <Chip.Group
        multiple
        value={filters.statuses}
        onChange={(statuses) => onChange(withFilter(filters, { statuses }))}
      >
        <Group gap="xs" role="group" aria-label="Status" pb={4}>
          {JOB_STATUS_OPTIONS.map((o) => (
            <Chip key={o.value} value={o.value} size="sm">
              {o.label}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <Select
        label="Customer"
        placeholder="All customers"
        clearable
        searchable
        data={(customers.data ?? []).map((c) => ({ value: String(c.id), label: c.name }))}
        value={filters.customerId}
        onChange={(customerId) => onChange(withFilter(filters, { customerId }))}
        w={{ base: '100%', sm: 220 }}
      />
    </Group>
  );
}
