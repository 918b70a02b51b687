import { ActionIcon, Menu } from '@mantine/core';
import { IconArchive, IconArchiveOff, IconDots, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** The "…" menu of a row or a page: a dots button named "Actions for <name>", then the items. */
export function RowMenu({ name, children }: { name: string; children: ReactNode }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${name}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}

/** Archive, or Unarchive for what is archived. */
export function ArchiveMenuItem({ archived, onClick }: { archived: boolean; onClick: () => void }) {
  return (
    <Menu.Item leftSection={archived ? <IconArchiveOff size={16} /> : <IconArchive size={16} />} onClick={onClick}>
      {archived ? 'Unarchive' : 'Archive'}
    </Menu.Item>
  );
}

/** The last item, set apart: Delete in red (it should open a confirmation). */
export function DeleteMenuItem({ onClick }: { onClick: () => void }) {
  return (
    <>
      <Menu.Divider />
      <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={onClick}>
        Delete
      </Menu.Item>
    </>
  );
}
