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

const loaders = {
  '/sign-in': () => import('./pages/SignIn'),
  '/intake': () => import('./pages/Intake'),
  '/inbox': () => import('./pages/Inbox'),
  '/cases/': () => import('./pages/CasePage'),
  '/households': () => import('./pages/Households'),
  '/queue': () => import('./pages/Queue'),
  '/dashboard': () => import('./pages/Dashboard'),
  '/track': () => import('./pages/Track'),
  '/accounts': () => import('./pages/Accounts'),
  '/account': () => import('./pages/Account'),
};
// Start fetching the current screen's chunk now, alongside the session check, not after it.
// A key ending in '/' is a prefix ('/cases/<id>'); any other key is the whole path.
for (const [route, load] of Object.entries(loaders)) {
  const here = window.location.pathname;
  if (route.endsWith('/') ? here.startsWith(route) : here === route) void load().catch(() => undefined);
}

const SignIn = lazy(loaders['/sign-in']);
const Intake = lazy(loaders['/intake']);
const Inbox = lazy(loaders['/inbox']);
const CasePage = lazy(loaders['/cases/']);
const Households = lazy(loaders['/households']);
const Queue = lazy(loaders['/queue']);
const Dashboard = lazy(loaders['/dashboard']);
const Track = lazy(loaders['/track']);
const Accounts = lazy(loaders['/accounts']);
const Account = lazy(loaders['/account']);

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
            <Route path="/accounts" element={<Accounts />} />
            <Route path="/account" element={<Account />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </AuthProvider>
  );
}
