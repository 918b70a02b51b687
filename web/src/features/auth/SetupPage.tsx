import { Alert, Button, Card, Center, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { post } from '../../api/client';

/** First-run setup: the one-time link printed on the server console lands here. */
export function SetupPage() {
  const [params] = useSearchParams();
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm({
    initialValues: { password: '', repeat: '' },
    validate: {
      password: (v) => (v.length < 10 ? 'At least 10 characters' : null),
      repeat: (v, all) => (v !== all.password ? 'The passwords differ' : null),
    },
  });
  return (
    <Center h="100vh" p="md">
      <Card withBorder shadow="sm" w={420} p="xl">
        <form
          onSubmit={form.onSubmit(async (v) => {
            setError(null);
            try {
              const r = await post<{ user: { username: string } }>('/api/auth/setup', {
                token: params.get('token') ?? '',
                password: v.password,
              });
              setDone(r.user.username);
            } catch (err) {
              setError((err as Error).message);
            }
          })}
        >
          <Stack>
            <Title order={2}>Welcome to Keepwatch</Title>
            <Text c="dimmed">Choose the administrator password.</Text>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            {done ? (
              <Alert color="green">
                Password set for <b>{done}</b>. <Link to="/login">Sign in</Link>
              </Alert>
            ) : (
              <>
                <PasswordInput label="New password" autoComplete="new-password" {...form.getInputProps('password')} />
                <PasswordInput
                  label="Repeat the password"
                  autoComplete="new-password"
                  {...form.getInputProps('repeat')}
                />
                <Button type="submit">Set password</Button>
              </>
            )}
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
