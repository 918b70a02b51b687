import { Alert, Anchor, Badge, SimpleGrid, Stack, Table, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import type { MailDetail, ReportStatus } from '../../api/types';
import { InfoItem } from '../../components/InfoCard';
import { ObjectsTable } from '../../components/ObjectsTable';
import { SafeMailBody } from '../../components/SafeMailBody';
import { RunStatusChip } from '../../components/StatusChip';
import { detailEntries, formatInZone } from './inbox-logic';

export function ReportStatusChip({ status }: { status: ReportStatus | null | undefined }) {
  if (!status)
    return (
      <Badge color="gray" variant="outline" tt="none" data-status="unparsed">
        Unparsed
      </Badge>
    );
  return <RunStatusChip status={status} />;
}

/** A titled part of the view (Report details, Objects, Message). */
function Part({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <Title order={5} mb={4}>
        {title}
      </Title>
      {children}
    </div>
  );
}

/**
 * One report e-mail as the parser read it: metadata and the report's other facts on the left,
 * objects and the body (sandboxed) on the right. Used by the Inbox dialog and by a monitored
 * job's run history ("View e-mail").
 */
export function MailView({ mail, timeZone, extra }: { mail: MailDetail; timeZone?: string; extra?: ReactNode }) {
  const details = detailEntries(mail.details);
  return (
    <Stack gap="md">
      {!mail.parsed && (
        <Alert color="yellow" title="Not recognised by any parser">
          {mail.parseError ?? 'No parser matched this message.'}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <InfoItem label="From">{mail.from}</InfoItem>
            <InfoItem label="To">{mail.to || '—'}</InfoItem>
            <InfoItem label="Backup">{mail.software ?? '—'}</InfoItem>
            <InfoItem label="Type">{mail.type ?? '—'}</InfoItem>
            <InfoItem label="Job">{mail.jobName ?? '—'}</InfoItem>
            <InfoItem label="Overall">
              <ReportStatusChip status={mail.status} />
            </InfoItem>
            <InfoItem label="Received">{formatInZone(mail.receivedAt, timeZone)}</InfoItem>
            <InfoItem label="Parser">{mail.parser ?? '—'}</InfoItem>
            <InfoItem label="Started">{formatInZone(mail.startedAt, timeZone)}</InfoItem>
            <InfoItem label="Ended">{formatInZone(mail.endedAt, timeZone)}</InfoItem>
            <InfoItem label="Message file">
              <Anchor href={`/api/mail/${mail.id}/eml`} download>
                Download .eml
              </Anchor>
            </InfoItem>
            {extra}
          </SimpleGrid>
          {details.length > 0 && (
            <Part title="Report details">
              <Table verticalSpacing={2} aria-label="Report details">
                <Table.Tbody>
                  {details.map((d) => (
                    <Table.Tr key={d.key}>
                      <Table.Th w="40%" fw={500} c="dimmed">
                        {d.label}
                      </Table.Th>
                      <Table.Td style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>{d.value}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Part>
          )}
        </Stack>
        <Stack gap="md" miw={0}>
          <Part title="Objects">
            <ObjectsTable objects={mail.objects ?? []} />
          </Part>
          <Part title="Message">
            <SafeMailBody html={mail.bodyHtml} text={mail.bodyText} title={`E-mail body: ${mail.subject}`} />
          </Part>
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
