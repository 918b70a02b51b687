import { AppShell, Burger, Group, Menu, NavLink, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconChevronDown,
  IconDatabase,
  IconGauge,
  IconHistory,
  IconListCheck,
  IconSettings,
} from '@tabler/icons-react';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import { useLogout, useMe } from '../features/auth/session';

const NAV = [
  { to: '/', label: 'Dashboard', icon: IconGauge },
  { to: '/jobs', label: 'Jobs', icon: IconListCheck },
  { to: '/history', label: 'History', icon: IconHistory },
  { to: '/backups', label: 'Backups', icon: IconDatabase },
  { to: '/settings', label: 'Settings', icon: IconSettings },
];

/** The frame of every signed-in page; later features add one entry to NAV and one route. */
export function Layout() {
  const me = useMe();
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
        {NAV.map((n) => (
          <NavLink
            key={n.to}
            component={Link}
            to={n.to}
            label={n.label}
            leftSection={<n.icon size={18} />}
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
