import { Title } from '@mantine/core';

export default function JobEditorPage() {
  return <Title order={2}>JobEditorPage</Title>;
}
