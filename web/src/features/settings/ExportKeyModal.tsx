import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconDownload } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { post } from '../../api/client';
import type { EncryptionProfile } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';

/**
 * Export of a profile's key as a recovery kit: a warning first, the key only after the admin
 * confirms (the export is audited on the server). The kit stays in this modal's memory only.
 */
export function ExportKeyModal({ profile, onClose }: { profile: EncryptionProfile | null; onClose: () => void }) {
  const exportKit = useMutation({
    mutationFn: (p: EncryptionProfile) => post<{ kit: string }>(`/api/encryption-profiles/${p.id}/export`),
  });
  const close = () => {
    exportKit.reset(); // forget the key
    onClose();
  };
  const kit = exportKit.data?.kit;
  const download = () => {
    if (!kit || !profile) return;
    const url = URL.createObjectURL(new Blob([kit], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `keepwatch-key-${profile.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <Modal opened={!!profile} onClose={close} title={`Export key of ${profile?.name ?? ''}`} size="lg">
      <Stack>
        <Alert role="note" color="orange" icon={<IconAlertTriangle size={18} />} title="This is the secret key">
          Anyone with this key can read every backup encrypted with it. Store it offline, in a password manager or a
          safe, and never send it by e-mail or chat. This export is recorded in the audit log.
        </Alert>
        <ErrorAlert error={exportKit.error} />
        {kit ? (
          <>
            <Text size="sm">
              Recovery kit — with it, <Code>keepwatch backup decrypt --key-file</Code> reads these backups without a
              server:
            </Text>
            <Code block aria-label="Recovery kit" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {kit}
            </Code>
            <Group justify="flex-end">
              <CopyButton value={kit}>
                {({ copied, copy }) => (
                  <Button variant="default" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
              <Button leftSection={<IconDownload size={16} />} onClick={download}>
                Download as file
              </Button>
              <Button variant="default" onClick={close}>
                Close
              </Button>
            </Group>
          </>
        ) : (
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              color="orange"
              loading={exportKit.isPending}
              onClick={() => profile && exportKit.mutate(profile)}
              data-autofocus
            >
              Show the key
            </Button>
          </Group>
        )}
      </Stack>
    </Modal>
  );
}
