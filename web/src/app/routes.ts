import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * Every screen is a lazily loaded feature module, so the initial JavaScript stays small and a
 * new feature (inbox, run checks, agents...) is one folder plus one line here.
 */
export const routes: { path: string; element: LazyExoticComponent<ComponentType> }[] = [
  { path: '/', element: lazy(() => import('../features/dashboard/DashboardPage')) },
  { path: '/jobs', element: lazy(() => import('../features/jobs/JobsPage')) },
  { path: '/jobs/new', element: lazy(() => import('../features/jobs/JobEditorPage')) },
  { path: '/jobs/:id', element: lazy(() => import('../features/jobs/JobDetailPage')) },
  { path: '/jobs/:id/edit', element: lazy(() => import('../features/jobs/JobEditorPage')) },
  { path: '/runs/:id', element: lazy(() => import('../features/runs/RunPage')) },
  { path: '/history', element: lazy(() => import('../features/runs/HistoryPage')) },
  { path: '/backups', element: lazy(() => import('../features/backups/BackupsPage')) },
  { path: '/settings/*', element: lazy(() => import('../features/settings/SettingsPage')) },
  { path: '/inbox', element: lazy(() => import('../features/inbox/InboxPage')) },
  { path: '/customers', element: lazy(() => import('../features/customers/CustomersPage')) },
  // One route (optional :jobId), so opening a job's drawer keeps the list mounted.
  { path: '/run-checks/:jobId?', element: lazy(() => import('../features/run-checks/RunChecksPage')) },
  { path: '/daily-jobs', element: lazy(() => import('../features/daily-jobs/DailyJobsPage')) },
  { path: '/tickets', element: lazy(() => import('../features/tickets/TicketsPage')) },
  { path: '/overrides', element: lazy(() => import('../features/overrides/OverridesPage')) },
];
