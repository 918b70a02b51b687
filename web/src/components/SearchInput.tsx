import { CloseButton, TextInput, type MantineSize, type StyleProp } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useState } from 'react';

/** A search box with a magnifier and, while it holds text, a "Clear search" button. */
export function SearchInput({
  label,
  placeholder,
  value,
  onChange,
  w,
  clearSize,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  w: StyleProp<number | string>;
  clearSize?: MantineSize;
}) {
  return (
    <TextInput
      label={label}
      placeholder={placeholder}
      leftSection={<IconSearch size={16} />}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      rightSection={
        value ? <CloseButton aria-label="Clear search" size={clearSize} onClick={() => onChange('')} /> : null
      }
      w={w}
    />
  );
}

/**
 * The text of a search box for the search `q` (of the URL): typing changes the box at once and
 * calls `onSearch` 300 ms after it stops, unless the text already is the search.
 */
export function useDebouncedSearch(q: string, onSearch: (text: string) => void) {
  const [text, setText] = useState(q);
  const [debounced] = useDebouncedValue(text, 300);
  useEffect(() => {
    if (debounced.trim() !== q.trim()) onSearch(debounced);
    // Only the typed text drives this; the URL is read fresh on each render.
  }, [debounced]);
  return [text, setText] as const;
}
