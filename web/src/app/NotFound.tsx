import { Text, Title } from '@mantine/core';

export default function NotFound() {
  return (
    <>
      <Title order={2}>Not found</Title>
      <Text c="dimmed">This page does not exist.</Text>
    </>
  );
}
