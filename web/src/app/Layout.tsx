import { AppShell, Badge, Burger, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconBuilding,
  IconCalendarEvent,
  IconChevronDown,
  IconClipboardCheck,
  IconDatabase,
  IconGauge,
  IconHistory,
  IconInbox,
  IconListCheck,
  IconSettings,
  IconShieldCheck,
  IconTicket,
} from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import { get } from '../api/client';
import type { User } from '../api/types';
import { useLogout, useMe } from '../features/auth/session';

const NAV = [
  { to: '/', label: 'Dashboard', icon: IconGauge },
  // The daily review: only those who act on runs (admins, operators) review them.
  { to: '/run-checks', label: 'Run Checks', icon: IconClipboardCheck, show: (u: User) => canReview(u) },
  { to: '/daily-jobs', label: 'Daily Jobs', icon: IconCalendarEvent },
  { to: '/jobs', label: 'Jobs', icon: IconListCheck },
  { to: '/history', label: 'History', icon: IconHistory },
  { to: '/backups', label: 'Backups', icon: IconDatabase },
  // Inbox messages belong to no customer yet: only users of all customers see them.
  { to: '/inbox', label: 'Inbox', icon: IconInbox, show: (u: User) => u.allCustomers },
  { to: '/customers', label: 'Customers', icon: IconBuilding },
  { to: '/tickets', label: 'Tickets', icon: IconTicket },
  { to: '/overrides', label: 'Overrides', icon: IconShieldCheck },
  { to: '/settings', label: 'Settings', icon: IconSettings },
];

/** A count for a navigation badge, refreshed every minute (null when not visible). */
function useNavCount<T>(key: string, path: string, pick: (answer: T) => number, enabled: boolean): number | null {
  const count = useQuery({
    queryKey: [key, 'count'],
    queryFn: async () => pick(await get<T>(path)),
    enabled,
    refetchInterval: 60_000,
    retry: false,
  });
  return enabled ? (count.data ?? null) : null;
}

/** The number of unmatched Inbox messages, for the navigation's badge (null when not visible). */
const useInboxCount = (enabled: boolean) =>
  useNavCount<{ total: number }>('inbox', '/api/inbox?pageSize=1', (a) => a.total, enabled);

const canReview = (u: User) => u.role === 'admin' || u.role === 'operator';

/** Unreviewed runs in the user's customers, for Run Checks' badge (null when not visible). */
const useRunChecksCount = (enabled: boolean) =>
  useNavCount<{ remaining: number }>('run-checks', '/api/run-checks?pageSize=1', (a) => a.remaining, enabled);

/** The frame of every signed-in page; later features add one entry to NAV and one route. */
export function Layout() {
  const me = useMe();
  const inboxCount = useInboxCount(!!me.data?.allCustomers);
  const runChecksCount = useRunChecksCount(!!me.data && canReview(me.data));
  const counts: Record<string, { n: number | null; what: string }> = {
    '/inbox': { n: inboxCount, what: 'unmatched messages' },
    '/run-checks': { n: runChecksCount, what: 'runs to review' },
  };
  const logout = useLogout();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  if (me.isLoading) return null;
  if (!me.data) return <Navigate to="/login" replace />;
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700}>Keepwatch</Text>
          </Group>
          <Menu>
            <Menu.Target>
              <UnstyledButton aria-label="User menu">
                <Group gap={4}>
                  <Text size="sm">{me.data.username}</Text>
                  <Text size="xs" c="dimmed">
                    ({me.data.role})
                  </Text>
                  <IconChevronDown size={14} />
                </Group>
              </UnstyledButton>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => void logout()}>Sign out</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {NAV.filter((n) => !n.show || (me.data && n.show(me.data))).map((n) => (
          <NavLink
            key={n.to}
            component={Link}
            to={n.to}
            label={n.label}
            leftSection={<n.icon size={18} />}
            aria-description={counts[n.to]?.n ? `${counts[n.to]!.n} ${counts[n.to]!.what}` : undefined}
            rightSection={
              counts[n.to]?.n ? (
                <Badge size="sm" variant="filled" circle={counts[n.to]!.n! < 10} aria-hidden>
                  {counts[n.to]!.n! > 999 ? '999+' : counts[n.to]!.n}
                </Badge>
              ) : undefined
            }
            active={n.to === '/' ? location.pathname === '/' : location.pathname.startsWith(n.to)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
