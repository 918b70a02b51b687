import { Checkbox, Loader, Table, Text, VisuallyHidden, type MantineSize, type TableProps } from '@mantine/core';
import { Fragment, type ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';

/**
 * A table with one header row and the given body rows; given a `minWidth`, it scrolls sideways
 * on narrower screens.
 * A string in `head` is a plain header cell; anything else (a cell with a width, a checkbox...)
 * is used as it is; false/null leave a conditional column out.
 */
export function DataTable({
  minWidth,
  head,
  children,
  ...table
}: TableProps & { minWidth?: number; head: ReactNode[]; children: ReactNode }) {
  const content = (
    <Table {...table}>
      <Table.Thead>
        <Table.Tr>
          {head
            .filter((h) => h !== false && h !== null && h !== undefined)
            .map((h, i) =>
              typeof h === 'string' ? <Table.Th key={i}>{h}</Table.Th> : <Fragment key={i}>{h}</Fragment>,
            )}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{children}</Table.Tbody>
    </Table>
  );
  return minWidth === undefined ? (
    content
  ) : (
    <Table.ScrollContainer minWidth={minWidth}>{content}</Table.ScrollContainer>
  );
}

/** The header of a row-actions column: named for screen readers, blank on screen. */
export function ActionsHeader({ w }: { w?: number }) {
  return (
    <Table.Th w={w}>
      <VisuallyHidden>Actions</VisuallyHidden>
    </Table.Th>
  );
}

/** The header of a checkbox column: checks all the listed rows, or none; some make it indeterminate. */
export function SelectAllHeader({
  label,
  ids,
  isSelected,
  onSelect,
}: {
  label: string;
  ids: number[];
  isSelected: (id: number) => boolean;
  onSelect: (ids: number[], on: boolean) => void;
}) {
  const all = ids.length > 0 && ids.every(isSelected);
  const some = ids.some(isSelected);
  return (
    <Table.Th w={40}>
      <Checkbox
        aria-label={label}
        checked={all}
        indeterminate={some && !all}
        onChange={(e) => onSelect(ids, e.currentTarget.checked)}
      />
    </Table.Th>
  );
}

/**
 * The states of a fetched list, in order: its error (if any), a loader while it loads, the
 * `emptyText` (a string is shown dimmed) when it is empty, else the list itself.
 */
export function ListState({
  error,
  loading,
  empty = false,
  emptyText,
  loaderSize,
  children,
}: {
  error?: Error | null;
  loading: boolean;
  empty?: boolean;
  emptyText?: ReactNode;
  loaderSize?: MantineSize;
  children: ReactNode;
}) {
  return (
    <>
      <ErrorAlert error={error} />
      {loading ? (
        <Loader size={loaderSize} />
      ) : empty ? (
        typeof emptyText === 'string' ? (
          <Text c="dimmed">{emptyText}</Text>
        ) : (
          emptyText
        )
      ) : (
        children
      )}
    </>
  );
}
