/**
 * Routes. Every screen is its own chunk, so the intake screen loads only what it
 * needs and the dashboard's Chart.js is fetched only when someone opens it.
 */
import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AuthProvider, HomeRedirect, RequireAuth } from './auth';
import { Layout } from './components/Layout';
import { Loading } from './components/bits';

const SignIn = lazy(() => import('./pages/SignIn'));
const Intake = lazy(() => import('./pages/Intake'));
const Inbox = lazy(() => import('./pages/Inbox'));
const CasePage = lazy(() => import('./pages/CasePage'));
const Households = lazy(() => import('./pages/Households'));
const Queue = lazy(() => import('./pages/Queue'));
const Dashboard = lazy(() => import('./pages/Dashboard'));
const Track = lazy(() => import('./pages/Track'));

function NotFound() {
  const { t } = useTranslation();
  return (
    <section className="panel">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body')}</p>
    </section>
  );
}

export function App() {
  return (
    <AuthProvider>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/sign-in" element={<SignIn />} />
          <Route path="/track" element={<Track />} />
          <Route path="/" element={<HomeRedirect />} />
          <Route
            element={
              <RequireAuth>
                <Layout />
              </RequireAuth>
            }
          >
            <Route path="/intake" element={<Intake />} />
            <Route path="/inbox" element={<Inbox />} />
            <Route path="/cases/:id" element={<CasePage />} />
            <Route path="/households" element={<Households />} />
            <Route path="/queue" element={<Queue />} />
            <Route path="/dashboard" element={<Dashboard />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </AuthProvider>
  );
}
