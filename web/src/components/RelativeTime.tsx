import { Text, Tooltip } from '@mantine/core';
import { formatDateTime, formatRelative } from './format';

/** A time as "in 3 hours" / "2 days ago" with the exact time in a tooltip; `none`, dimmed, without one. */
export function RelativeTime({ at, none }: { at: string | null | undefined; none: string }) {
  return at ? (
    <Tooltip label={formatDateTime(at)}>
      <Text size="sm">{formatRelative(at)}</Text>
    </Tooltip>
  ) : (
    <Text size="sm" c="dimmed">
      {none}
    </Text>
  );
}
