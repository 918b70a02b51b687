import { Anchor, Code, Drawer, Spoiler, Stack, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { formatBytes, formatDateTime } from '../../components/format';
import type { BackupWithMeta } from './backup-meta';

/** Everything known about one stored backup: where, how, hashes, key id, tools. */
export function BackupDetailsDrawer({ backup, onClose }: { backup: BackupWithMeta | null; onClose: () => void }) {
  const m = backup?.metadata;
  const rows: [string, ReactNode][] = backup
    ? [
        ['Job', <Link to={`/jobs/${backup.jobId}`}>{backup.jobName}</Link>],
        [
          'Made by run',
          <Anchor component={Link} to={`/runs/${backup.runId}`}>
            Run #{backup.runId}
            {m?.run?.trigger ? ` (${m.run.trigger})` : ''}
          </Anchor>,
        ],
        ['Created', formatDateTime(backup.createdAt)],
        ['Destination', `${backup.destination.name} (${backup.destination.kind})`],
        ['Object key', <Code>{backup.key}</Code>],
        [
          'Source',
          m?.source
            ? `${m.source.name} (${m.source.kind}${m.source.database ? `, database ${m.source.database}` : ''})`
            : '—',
        ],
        ['Size', `${formatBytes(backup.size)} stored, ${formatBytes(backup.rawSize)} raw`],
        [
          'Compression',
          `${backup.compression}${m?.compression?.level !== undefined ? ` (level ${m.compression.level})` : ''}`,
        ],
        ['Encryption', backup.encrypted ? (m?.encryption?.algorithm ?? 'encrypted') : 'not encrypted'],
        ['Key id', backup.keyId ? <Code>{backup.keyId}</Code> : '—'],
        ['SHA-256 (stored file)', <Code>{backup.sha256}</Code>],
        ['SHA-256 (raw dump)', m?.rawSha256 ? <Code>{m.rawSha256}</Code> : '—'],
        ['Verified', backup.verifiedAt ? formatDateTime(backup.verifiedAt) : 'never'],
        ['Pinned', backup.pinned ? 'yes — kept by retention and cannot be deleted' : 'no'],
        [
          'Tools',
          m?.tools
            ? Object.entries(m.tools)
                .map(([k, v]) => `${k} ${v ?? '?'}`)
                .join(', ')
            : '—',
        ],
      ]
    : [];
  return (
    <Drawer opened={!!backup} onClose={onClose} position="right" size="lg" title={backup ? `Backup #${backup.id}` : ''}>
      {backup && (
        <Stack>
          <Table variant="vertical" layout="fixed" withTableBorder>
            <Table.Tbody>
              {rows.map(([label, value]) => (
                <Table.Tr key={label}>
                  <Table.Th w={170}>{label}</Table.Th>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{value}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {m && (
            <>
              <Text fw={500} size="sm">
                Metadata (as stored beside the backup)
              </Text>
              <Spoiler maxHeight={120} showLabel="Show all" hideLabel="Hide">
                <Code block>{JSON.stringify(m, null, 2)}</Code>
              </Spoiler>
            </>
          )}
        </Stack>
      )}
    </Drawer>
  );
}
