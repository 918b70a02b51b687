import { Group, Pagination, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** Under a paged list: how many there are (and more), and the pages when there is more than one. */
export function PagedFooter({
  summary,
  page,
  pages,
  onPage,
}: {
  summary: ReactNode;
  page: number;
  pages: number;
  onPage: (page: number) => void;
}) {
  return (
    <Group justify="space-between">
      <Text size="sm" c="dimmed">
        {summary}
      </Text>
      {pages > 1 && (
        <Pagination
          total={pages}
          value={Math.min(page, pages)}
          onChange={onPage}
          getControlProps={(control) => ({ 'aria-label': `${control} page` })}
        />
      )}
    </Group>
  );
}
