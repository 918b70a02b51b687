import { Group, Text, Tooltip } from '@mantine/core';

/**
 * The 💬 (open remark) and 🎫 (open ticket) indicators of a job, as in BackupChecks. Each is an
 * image with a name, so screen readers (and tests) read "Open remark" / "Open ticket".
 */
export function ReviewIndicators({
  hasOpenRemark,
  hasOpenTicket,
}: {
  hasOpenRemark?: boolean | undefined;
  hasOpenTicket?: boolean | undefined;
}) {
  if (!hasOpenRemark && !hasOpenTicket) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {hasOpenRemark && (
        <Tooltip label="Open remark">
          <Text span role="img" aria-label="Open remark">
            💬
          </Text>
        </Tooltip>
      )}
      {hasOpenTicket && (
        <Tooltip label="Open ticket">
          <Text span role="img" aria-label="Open ticket">
            🎫
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}
