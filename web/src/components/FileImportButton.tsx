import { Button, type MantineSize } from '@mantine/core';
import { IconFileImport } from '@tabler/icons-react';
import { useRef, type ReactNode } from 'react';

/**
 * An import button: it opens the file chooser (a hidden file input named `inputLabel`) and hands
 * the chosen file over; choosing the same file again imports it again.
 */
export function FileImportButton({
  accept,
  inputLabel,
  loading,
  size,
  onFile,
  children,
}: {
  accept: string;
  inputLabel: string;
  loading: boolean;
  size?: MantineSize;
  onFile: (file: File) => void;
  children: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <Button
        variant="default"
        size={size}
        leftSection={<IconFileImport size={16} />}
        loading={loading}
        onClick={() => input.current?.click()}
      >
        {children}
      </Button>
      <input
        ref={input}
        type="file"
        accept={accept}
        aria-label={inputLabel}
        hidden
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
    </>
  );
}
