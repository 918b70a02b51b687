import { ActionIcon, Code, CopyButton, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { absolutePingUrl, curlExamples, wrapperExample } from './monitored-logic';

function Copy({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={label}>
            {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}

/** A heartbeat job's ping URL (its token is the secret) and how a script calls it. */
export function PingUrlPanel({ pingUrl }: { pingUrl: string }) {
  const url = absolutePingUrl(pingUrl, window.location.origin);
  return (
    <Stack gap="xs">
      <Group gap="xs" wrap="nowrap">
        <Code style={{ overflowWrap: 'anywhere' }} aria-label="Ping URL">
          {url}
        </Code>
        <Copy value={url} label="Copy ping URL" />
      </Group>
      <Text size="xs" c="dimmed">
        Anyone with this address can report runs: keep it as secret as a password.
      </Text>
      {curlExamples(url).map((ex) => (
        <div key={ex.command}>
          <Text size="sm">{ex.label}</Text>
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
              {ex.command}
            </Code>
            <Copy value={ex.command} label={`Copy: ${ex.label}`} />
          </Group>
        </div>
      ))}
      <div>
        <Text size="sm">Around a backup script</Text>
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {wrapperExample(url)}
        </Code>
      </div>
    </Stack>
  );
}
