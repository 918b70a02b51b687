import { Card, Group, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';

/** A dashboard card: a titled region (findable by its name), optional header extras. */
export function Section({ title, extra, children }: { title: string; extra?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <Card withBorder component="section" aria-labelledby={id} h="100%">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={3} size="h4" id={id}>
          {title}
        </Title>
        {extra}
      </Group>
      {children}
    </Card>
  );
}
