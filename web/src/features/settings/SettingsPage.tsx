import { Anchor, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import {
  IconAdjustments,
  IconBell,
  IconDatabase,
  IconKey,
  IconMail,
  IconListSearch,
  IconServer,
  IconUsers,
} from '@tabler/icons-react';
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { can, useMe } from '../auth/session';
import { EncryptionTab } from './EncryptionTab';
import { InstanceTab } from './InstanceTab';
import { ResourceTab } from './ResourceTab';
import { UsersTab } from './UsersTab';

// E-mail report monitoring's settings load only when their tab is opened.
const MailImportersTab = lazy(() => import('../mail-settings/MailImportersTab'));
const ParsersTab = lazy(() => import('../parsers/ParsersTab'));

/** The panel of a lazily loaded tab: a loader until its code is there. */
const whenLoaded = (Tab: ComponentType) => () => (
  <Suspense fallback={<Loader />}>
    <Tab />
  </Suspense>
);

interface TabDef {
  value: string;
  label: string;
  icon: ReactNode;
  adminOnly?: boolean;
  panel: () => ReactNode;
}

const TABS: TabDef[] = [
  {
    value: 'sources',
    label: 'Sources',
    icon: <IconDatabase size={16} />,
    panel: () => (
      <ResourceTab
        type="sources"
        noun="source"
        entity="source"
        newLabel="New source"
        test={{ label: 'Test connection', path: 'test' }}
      />
    ),
  },
  {
    value: 'destinations',
    label: 'Destinations',
    icon: <IconServer size={16} />,
    panel: () => <ResourceTab type="destinations" noun="destination" entity="destination" newLabel="New destination" />,
  },
  { value: 'encryption', label: 'Encryption', icon: <IconKey size={16} />, panel: () => <EncryptionTab /> },
  {
    value: 'notifications',
    label: 'Notifications',
    icon: <IconBell size={16} />,
    panel: () => (
      <ResourceTab
        type="notification-channels"
        noun="channel"
        entity="notification_channel"
        newLabel="New channel"
        test={{ label: 'Send test', path: 'test' }}
      />
    ),
  },
  {
    value: 'mail-import',
    label: 'Mail import',
    icon: <IconMail size={16} />,
    panel: whenLoaded(MailImportersTab),
  },
  {
    value: 'parsers',
    label: 'Parsers',
    icon: <IconListSearch size={16} />,
    panel: whenLoaded(ParsersTab),
  },
  { value: 'users', label: 'Users', icon: <IconUsers size={16} />, adminOnly: true, panel: () => <UsersTab /> },
  { value: 'instance', label: 'Instance', icon: <IconAdjustments size={16} />, panel: () => <InstanceTab /> },
];

/** Settings: one tab per area; the active tab is in the URL (/settings/sources, ...). */
export default function SettingsPage() {
  const me = useMe();
  const navigate = useNavigate();
  const params = useParams();
  const isAdmin = can(me.data, 'admin') && !!me.data?.allCustomers;
  const tabs = TABS.filter((t) => !t.adminOnly || isAdmin);
  const current = (params['*'] ?? '').split('/')[0] ?? '';
  const active = tabs.find((t) => t.value === current);
  // Customers moved to their own page; old links to the former tab land there.
  if (current === 'customers') return <Navigate to="/customers" replace />;
  if (!active) return <Navigate to="/settings/sources" replace />;
  return (
    <Stack>
      <Title order={2}>Settings</Title>
      <Text size="sm" c="dimmed">
        Customers are managed on the{' '}
        <Anchor component={Link} to="/customers" size="sm">
          Customers page
        </Anchor>
        .
      </Text>
      <Tabs value={active.value} onChange={(v) => v && navigate(`/settings/${v}`)} keepMounted={false}>
        <Tabs.List style={{ flexWrap: 'nowrap', overflowX: 'auto' }}>
          {tabs.map((t) => (
            <Tabs.Tab key={t.value} value={t.value} leftSection={t.icon}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((t) => (
          <Tabs.Panel key={t.value} value={t.value} pt="md">
            {t.value === active.value && t.panel()}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
