import { Title } from '@mantine/core';

export default function BackupsPage() {
  return <Title order={2}>BackupsPage</Title>;
}
