import { Alert, Button, Card, Center, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { post } from '../../api/client';

export function LoginPage() {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const form = useForm({ initialValues: { username: '', password: '' } });
  return (
    <Center h="100vh" p="md">
      <Card withBorder shadow="sm" w={380} p="xl">
        <form
          onSubmit={form.onSubmit(async (v) => {
            setError(null);
            try {
              await post('/api/auth/login', v);
              await qc.invalidateQueries({ queryKey: ['me'] });
              navigate('/');
            } catch (err) {
              setError((err as Error).message);
            }
          })}
        >
          <Stack>
            <Title order={2}>Sign in to Keepwatch</Title>
            {error && (
              <Alert color="red" role="alert">
                {error}
              </Alert>
            )}
            <TextInput
              label="User name"
              autoComplete="username"
              required
              data-autofocus
              {...form.getInputProps('username')}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
            />
            <Button type="submit">Sign in</Button>
          </Stack>
        </form>
      </Card>
    </Center>
  );
}
