import { Title } from '@mantine/core';

export default function JobDetailPage() {
  return <Title order={2}>JobDetailPage</Title>;
}
