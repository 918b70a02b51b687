import { Alert, Badge, Loader, Modal, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { ApiError, post } from '../../api/client';
import type { Retention } from '../../api/types';
import { formatDateTime } from '../../components/format';

export interface PreviewRequest {
  jobId: number;
  /** The destination row in the form, to show a policy error at its field. */
  index: number;
  destinationId: number;
  destinationName: string;
  retention: Retention;
}

interface PreviewItem {
  id: number;
  key?: string;
  createdAt: string | null;
  reasons: string[];
}
interface PreviewAnswer {
  destinations: { destinationId: number; keep: PreviewItem[]; delete: PreviewItem[] }[];
}

/** What the policy in the form would delete now at one destination: a dry run, nothing is deleted. */
export function RetentionPreviewModal({
  request,
  onClose,
  onInvalid,
}: {
  request: PreviewRequest | null;
  onClose: () => void;
  onInvalid: (index: number, message: string) => void;
}) {
  const preview = useQuery({
    queryKey: ['jobs', 'retention-preview', request],
    queryFn: () =>
      post<PreviewAnswer>(`/api/jobs/${request!.jobId}/retention-preview`, {
        destinationId: request!.destinationId,
        retention: request!.retention,
      }),
    enabled: request !== null,
    retry: false,
    staleTime: 0,
    gcTime: 0,
  });
  const error = preview.error;
  useEffect(() => {
    // An invalid policy is the field's problem: show it there and close the dialog.
    if (request && error instanceof ApiError && error.status === 400) {
      onInvalid(request.index, error.message.replace(/^[\w.[\]]+:\s*/, ''));
      onClose();
    }
  }, [error, request, onInvalid, onClose]);

  const result = preview.data?.destinations.find((d) => d.destinationId === request?.destinationId);
  return (
    <Modal opened={request !== null} onClose={onClose} title="Retention preview" size="lg">
      <Stack>
        <Text size="sm">
          What this policy would delete now at <b>{request?.destinationName}</b>. Nothing is deleted by the preview;
          pinned backups and the newest successful backup are always kept.
        </Text>
        {preview.isLoading && <Loader size="sm" />}
        {error && !(error instanceof ApiError && error.status === 400) && (
          <Alert color="red" role="alert">
            {error.message}
          </Alert>
        )}
        {preview.data && !result && (
          <Alert color="yellow">This destination is not saved on the job yet: save the job, then preview.</Alert>
        )}
        {result && (
          <>
            <Text fw={500} role="status">
              {result.delete.length === 0
                ? `Nothing would be deleted; ${result.keep.length} backup${result.keep.length === 1 ? '' : 's'} kept.`
                : `${result.delete.length} backup${result.delete.length === 1 ? '' : 's'} would be deleted; ${result.keep.length} kept.`}
            </Text>
            {result.delete.length > 0 && (
              <ScrollArea.Autosize mah={320}>
                <Table aria-label="Backups that would be deleted">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>File</Table.Th>
                      <Table.Th>Why</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {result.delete.map((b) => (
                      <Table.Tr key={b.id}>
                        <Table.Td>{formatDateTime(b.createdAt)}</Table.Td>
                        <Table.Td>
                          <Text size="xs" ff="monospace">
                            {b.key ?? `#${b.id}`}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          {b.reasons.map((r) => (
                            <Badge key={r} variant="light" color="red" mr={4}>
                              {r}
                            </Badge>
                          ))}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </ScrollArea.Autosize>
            )}
          </>
        )}
      </Stack>
    </Modal>
  );
}
