import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import type { Override } from '../../api/types';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ActionsHeader, DataTable, ListState } from '../../components/DataTable';
import { DeleteAction, EditAction } from '../../components/IconAction';
import { can, useMe } from '../auth/session';
import { useNames, useReviewTimezone } from '../run-checks/lookups';
import { formatDateInZone } from '../run-checks/review-time';
import { OverrideModal } from './OverrideModal';
import { changedSummary, describeErrorMatch, describeScope } from './override-form';
import { useApplyOverrides, useDeleteOverride, useOverrides } from './queries';

const LEVEL_LABEL: Record<Override['level'], string> = { global: 'Global', job: 'Job', object: 'Object' };

function validity(o: Override, timeZone: string): string {
  if (!o.validFrom && !o.validUntil) return 'Always';
  if (!o.validUntil) return `From ${formatDateInZone(o.validFrom, timeZone)}`;
  if (!o.validFrom) return `Until ${formatDateInZone(o.validUntil, timeZone)}`;
  return `${formatDateInZone(o.validFrom, timeZone)} – ${formatDateInZone(o.validUntil, timeZone)}`;
}

/**
 * /overrides: rules that accept known warnings and failures. Operators create and edit, only
 * admins delete; "Re-evaluate unreviewed runs" applies the current rules to the runs waiting
 * in Run Checks.
 */
export default function OverridesPage() {
  const me = useMe();
  const writable = can(me.data, 'write');
  const isAdmin = can(me.data, 'admin');
  const timeZone = useReviewTimezone() ?? 'UTC';
  const overrides = useOverrides();
  const names = useNames();
  const apply = useApplyOverrides();
  const remove = useDeleteOverride();
  const [editing, setEditing] = useState<Override | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Override | null>(null);
  const [changed, setChanged] = useState<number | null>(null);

  const reEvaluate = () =>
    apply.mutate(undefined, {
      onSuccess: (r) => {
        setChanged(r.changed);
        notifications.show({ message: `Re-evaluated unreviewed runs: ${changedSummary(r.changed)}` });
      },
      onError: (err) => notifications.show({ color: 'red', title: 'Re-evaluation failed', message: err.message }),
    });

  const items = overrides.data ?? [];
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Overrides</Title>
          <Text size="sm" c="dimmed">
            Known warnings and failures that count as success. Object rules are checked first, then job rules, then
            global ones.
          </Text>
        </div>
        {writable && (
          <Group>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              loading={apply.isPending}
              onClick={reEvaluate}
            >
              Re-evaluate unreviewed runs
            </Button>
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New override
            </Button>
          </Group>
        )}
      </Group>

      {changed !== null && (
        <Alert color="blue" withCloseButton onClose={() => setChanged(null)} closeButtonLabel="Dismiss">
          {changedSummary(changed)}
        </Alert>
      )}
      <ListState
        error={overrides.error}
        loading={overrides.isLoading}
        empty={items.length === 0}
        emptyText="No overrides yet. Create one here or with “Mark as success” in Run Checks."
      >
        <DataTable
          minWidth={1100}
          striped
          highlightOnHover
          verticalSpacing="xs"
          aria-label="Overrides"
          head={[
            <Table.Th miw={110}>Level</Table.Th>,
            'Applies to',
            'Statuses',
            'Error text',
            <Table.Th miw={100}>Result</Table.Th>,
            'Valid',
            'Comment',
            <Table.Th miw={110}>Created by</Table.Th>,
            <ActionsHeader />,
          ]}
        >
          {items.map((o) => (
            <Table.Tr key={o.id} data-override={o.id}>
              <Table.Td>
                <Badge variant="outline" tt="none">
                  {LEVEL_LABEL[o.level]}
                </Badge>
              </Table.Td>
              <Table.Td>{describeScope(o, names)}</Table.Td>
              <Table.Td>{o.statuses.map((s) => (s === 'failed' ? 'Failed' : 'Warning')).join(', ')}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {describeErrorMatch(o)}
                </Text>
              </Table.Td>
              <Table.Td>
                {o.treatAsSuccess ? (
                  <Badge color="blue" variant="filled" tt="none">
                    Success
                  </Badge>
                ) : (
                  <Text size="sm">Record only</Text>
                )}
              </Table.Td>
              <Table.Td>{validity(o, timeZone)}</Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={3}>
                  {o.comment || '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{o.createdBy?.username ?? '—'}</Text>
                <Text size="xs" c="dimmed">
                  {formatDateInZone(o.createdAt, timeZone)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="nowrap" justify="flex-end">
                  {writable && <EditAction label={`Edit override #${o.id}`} onClick={() => setEditing(o)} />}
                  {isAdmin && <DeleteAction label={`Delete override #${o.id}`} onClick={() => setDeleting(o)} />}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ListState>

      <OverrideModal
        opened={editing !== null}
        override={editing === 'new' ? null : editing}
        timeZone={timeZone}
        onClose={() => setEditing(null)}
      />
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete override #${deleting?.id ?? ''}?`}
        confirmLabel="Delete override"
        focusConfirm={false}
        onClose={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          await remove.mutateAsync(deleting.id);
          notifications.show({ message: `Override #${deleting.id} deleted` });
        }}
      >
        Runs already accepted by it keep their status; future runs are judged without it. Unreviewed runs change when
        they are re-evaluated.
      </ConfirmModal>
    </Stack>
  );
}
