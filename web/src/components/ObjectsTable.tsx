import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { MailObject } from '../api/types';
import { RunStatusChip } from './StatusChip';

/**
 * The objects a report lists (VMs, disks, tasks...) with their own status and message: in the
 * Inbox's mail view, a monitored run's e-mail and a Run Checks run card.
 */
export function ObjectsTable({
  objects,
  label = 'Objects',
  nameHeader = 'Name',
  minWidth = 520,
  empty = (
    <Text size="sm" c="dimmed">
      The report lists no objects.
    </Text>
  ),
}: {
  objects: MailObject[];
  /** The table's accessible name. */
  label?: string;
  /** The heading of the first column. */
  nameHeader?: string;
  minWidth?: number;
  /** Shown instead of an empty table. */
  empty?: ReactNode;
}) {
  if (objects.length === 0) return empty;
  return (
    <Table.ScrollContainer minWidth={minWidth}>
      <Table striped verticalSpacing={4} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{nameHeader}</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Message</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {objects.map((o, i) => (
            <Table.Tr key={`${o.name}-${i}`}>
              <Table.Td>{o.name}</Table.Td>
              <Table.Td>{o.type ?? '—'}</Table.Td>
              <Table.Td>{o.status ? <RunStatusChip status={o.status} /> : '—'}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {o.message ?? ''}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
