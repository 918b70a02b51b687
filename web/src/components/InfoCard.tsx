import { Card, Text, Title } from '@mantine/core';
import type { CSSProperties, ReactNode } from 'react';

/** A bordered pane with a small heading, as on a job's page (Information, Schedule...). */
export function InfoCard({ title, style, children }: { title: string; style?: CSSProperties; children: ReactNode }) {
  return (
    <Card withBorder style={style}>
      <Title order={4} mb="sm">
        {title}
      </Title>
      {children}
    </Card>
  );
}

/**
 * A labelled value: a small uppercase label above it; a missing value shows as "—". The value is
 * small text that wraps anywhere, or (plain) as it comes at the page's own text size.
 */
export function InfoItem({ label, plain = false, children }: { label: string; plain?: boolean; children: ReactNode }) {
  const value = children ?? '—';
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      {plain ? (
        <div>{value}</div>
      ) : (
        <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
          {value}
        </Text>
      )}
    </div>
  );
}
