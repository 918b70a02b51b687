import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';
import type { MailParserInfo } from '../../api/types';
import { DataTable, ListState } from '../../components/DataTable';

/**
 * The mail parsers in match order (first match wins). Read-only: parsers are code, tested on
 * fixture e-mails of each product; they cannot be changed from the UI.
 */
export default function ParsersTab() {
  const parsers = useQuery({
    queryKey: ['parsers'],
    queryFn: async () => (await get<{ items: MailParserInfo[] }>('/api/parsers')).items,
    staleTime: 300_000,
  });
  const items = [...(parsers.data ?? [])].sort((a, b) => a.order - b.order);
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Imported e-mails are tried against these parsers in this order; the first that matches reads the software, type,
        job name, status and objects. Parsers are part of Keepwatch and cannot be edited here.
      </Text>
      <ListState error={parsers.error} loading={parsers.isLoading}>
        <DataTable
          minWidth={820}
          striped
          verticalSpacing="xs"
          aria-label="Mail parsers"
          head={[<Table.Th w={70}>Order</Table.Th>, 'Name', 'Software', 'Types', 'Match criteria', 'Enabled']}
        >
          {items.map((p) => (
            <Table.Tr key={p.name}>
              <Table.Td>{p.order}</Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {p.name}
                </Text>
              </Table.Td>
              <Table.Td fw={500}>{p.software}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {p.types.length === 0
                    ? '—'
                    : p.types.map((t) => (
                        <Badge key={t} variant="outline" color="gray" tt="none" size="sm">
                          {t}
                        </Badge>
                      ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {p.criteria}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge color={p.enabled ? 'green' : 'gray'} variant="light" tt="none">
                  {p.enabled ? 'Enabled' : 'Disabled'}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>
    </Stack>
  );
}
