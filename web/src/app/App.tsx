import { lazy, Suspense } from 'react';
import { Loader } from '@mantine/core';
import { Route, Routes } from 'react-router-dom';
import { LoginPage } from '../features/auth/LoginPage';
import { SetupPage } from '../features/auth/SetupPage';
import { Layout } from './Layout';
import { routes } from './routes';

const NotFound = lazy(() => import('./NotFound'));

export function App() {
  return (
    <Suspense fallback={<Loader m="xl" />}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/setup" element={<SetupPage />} />
        <Route element={<Layout />}>
          {routes.map((r) => (
            <Route key={r.path} path={r.path} element={<r.element />} />
          ))}
          <Route path="*" element={<NotFound />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
