import { ActionIcon, Tooltip } from '@mantine/core';
import { IconPencil, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/** A small icon button of a table row, with a tooltip; `label` is its accessible name. */
export function IconAction({
  tooltip,
  label,
  color,
  onClick,
  children,
}: {
  tooltip: string;
  label: string;
  color?: string;
  onClick: () => void;
  children: ReactNode;
}) {
  return (
    <Tooltip label={tooltip}>
      <ActionIcon variant="subtle" color={color} aria-label={label} onClick={onClick}>
        {children}
      </ActionIcon>
    </Tooltip>
  );
}

/** The pencil of a row ("Edit ticket PSA-1"). */
export function EditAction({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <IconAction tooltip="Edit" label={label} onClick={onClick}>
      <IconPencil size={16} />
    </IconAction>
  );
}

/** The red bin of a row ("Delete override #3"); it should open a confirmation. */
export function DeleteAction({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <IconAction tooltip="Delete" label={label} color="red" onClick={onClick}>
      <IconTrash size={16} />
    </IconAction>
  );
}
