import { Group, Table, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';

export interface SortState<K extends string> {
  sort: K | undefined;
  order: 'asc' | 'desc';
}

const LOOKS = {
  /** History: chevrons, bold. */
  chevrons: { up: IconChevronUp, down: IconChevronDown, fw: 700 },
  /** The jobs lists: arrows, semibold. */
  arrows: { up: IconArrowUp, down: IconArrowDown, fw: 600 },
};

/**
 * A column header that sorts on the server: a button named after the column, with aria-sort on
 * the header cell so the direction is announced as well as drawn.
 */
export function SortHeader<K extends string>({
  label,
  column,
  state,
  onSort,
  look = 'chevrons',
  miw,
}: {
  label: string;
  column: K;
  state: SortState<K>;
  onSort: (column: K) => void;
  look?: keyof typeof LOOKS;
  /** Room for what the column shows (chips, times), so it never shrinks to "Ac…". */
  miw?: number | undefined;
}) {
  const { up, down, fw } = LOOKS[look];
  const active = state.sort === column;
  const Icon = !active ? IconSelector : state.order === 'asc' ? up : down;
  return (
    <Table.Th aria-sort={active ? (state.order === 'asc' ? 'ascending' : 'descending') : 'none'} miw={miw}>
      <UnstyledButton onClick={() => onSort(column)} fw={fw} fz="sm">
        <Group gap={4} wrap="nowrap">
          {label}
          <Icon size={14} aria-hidden />
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** Next sort state when a header is pressed: same column flips, a new one starts at `first`. */
export function nextSort<K extends string>(state: SortState<K>, column: K, first: 'asc' | 'desc'): SortState<K> {
  if (state.sort === column) return { sort: column, order: state.order === 'asc' ? 'desc' : 'asc' };
  return { sort: column, order: first };
}
