import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post } from '../../api/client';
import type { User } from '../../api/types';

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return (await get<{ user: User }>('/api/auth/me')).user;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return async () => {
    await post('/api/auth/logout');
    qc.clear();
    window.location.assign('/login');
  };
}

export const can = (user: User | null | undefined, what: 'write' | 'run' | 'admin') =>
  !!user && (user.role === 'admin' || (user.role === 'operator' && what !== 'admin'));
