/**
 * Routes. Every screen is its own chunk, so the intake screen loads only what it
 * needs and the dashboard's Chart.js is fetched only when someone opens it.
 */
import { createElement, lazy, Suspense, type ComponentType } from 'react';
import { Route, Routes, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AuthProvider, HomeRedirect, RequireAuth, useAuth } from './auth';
import { Layout } from './components/Layout';
import { Loading } from './components/bits';
import { NotAllowed } from './components/NotAllowed';
import { screenAllows } from './screens';

type PageModule = Promise<{ default: ComponentType }>;

/**
 * A screen loaded on demand. Once its chunk is in, it renders directly instead
 * of through React.lazy: a lazy component always suspends on its first render,
 * and React then holds the fallback for at least 300 ms — which would cost the
 * intake screen that much on every load even though its chunk was fetched
 * alongside the session check.
 */
function screen(load: () => PageModule): { load: () => PageModule; Screen: ComponentType } {
  let loaded: ComponentType | null = null;
  let pending: PageModule | null = null;
  const fetchOnce = () =>
    (pending ??= load().then((m) => {
      loaded = m.default;
      return m;
    }));
  const Lazy = lazy(fetchOnce);
  // A screen the signed-in role may not use (./screens) is NotAllowed before it mounts: none of its calls fire.
  const Screen = () => {
    const { me } = useAuth();
    const { pathname } = useLocation();
    if (me && !screenAllows(pathname, me.role)) return createElement(NotAllowed);
    return createElement(loaded ?? Lazy);
  };
  return { load: fetchOnce, Screen };
}

const loaders = {
  '/sign-in': screen(() => import('./pages/SignIn')),
  '/intake': screen(() => import('./pages/Intake')),
  '/inbox': screen(() => import('./pages/Inbox')),
  '/cases/': screen(() => import('./pages/CasePage')),
  '/households': screen(() => import('./pages/Households')),
  // the ledger's list, a household's file and a village's ledger: one chunk (pages/Ledger.tsx picks by path)
  '/ledger': screen(() => import('./pages/Ledger')),
  '/queue': screen(() => import('./pages/Queue')),
  '/dashboard': screen(() => import('./pages/Dashboard')),
  '/definitions': screen(() => import('./pages/Definitions')),
  '/hot-topics': screen(() => import('./pages/HotTopics')),
  // plans (片区工作计划, 年度服务计划): the list and one plan's page, one chunk (pages/Plans.tsx picks by the route's planId)
  '/plans': screen(() => import('./pages/Plans')),
  '/four-helps': screen(() => import('./pages/FourHelps')),
  '/track': screen(() => import('./pages/Track')),
  '/accounts': screen(() => import('./pages/Accounts')),
  '/account': screen(() => import('./pages/Account')),
  '/audit': screen(() => import('./pages/Audit')),
  '/notifications': screen(() => import('./pages/Notifications')),
  '/open311-keys': screen(() => import('./pages/Open311Keys')),
  '/duty': screen(() => import('./pages/Duty')),
  '/appraisals': screen(() => import('./pages/Appraisals')),
  '/composite': screen(() => import('./pages/Composite')),
  '/inspections': screen(() => import('./pages/Inspections')),
  '/evaluation': screen(() => import('./pages/Evaluation')),
  '/sessions': screen(() => import('./pages/Sessions')),
  '/sessions/report': screen(() => import('./pages/SessionReport')),
  '/roster': screen(() => import('./pages/Roster')),
  '/sla-policy': screen(() => import('./pages/SlaPolicy')),
};
// Start fetching the current screen's chunk now, alongside the session check, not after it.
// A key ending in '/' is a prefix ('/cases/<id>'); any other key is the whole path.
for (const [route, { load }] of Object.entries(loaders)) {
  const here = window.location.pathname;
  if (route.endsWith('/') ? here.startsWith(route) : here === route) void load().catch(() => undefined);
}

const SignIn = loaders['/sign-in'].Screen;
const Intake = loaders['/intake'].Screen;
const Inbox = loaders['/inbox'].Screen;
const CasePage = loaders['/cases/'].Screen;
const Households = loaders['/households'].Screen;
const Ledger = loaders['/ledger'].Screen;
const Queue = loaders['/queue'].Screen;
const Dashboard = loaders['/dashboard'].Screen;
const Definitions = loaders['/definitions'].Screen;
const HotTopics = loaders['/hot-topics'].Screen;
const Plans = loaders['/plans'].Screen;
const FourHelps = loaders['/four-helps'].Screen;
const Track = loaders['/track'].Screen;
const Accounts = loaders['/accounts'].Screen;
const Account = loaders['/account'].Screen;
const Audit = loaders['/audit'].Screen;
const Notifications = loaders['/notifications'].Screen;
const Open311Keys = loaders['/open311-keys'].Screen;
const Duty = loaders['/duty'].Screen;
const Appraisals = loaders['/appraisals'].Screen;
const Composite = loaders['/composite'].Screen;
const Inspections = loaders['/inspections'].Screen;
const Evaluation = loaders['/evaluation'].Screen;
const Sessions = loaders['/sessions'].Screen;
const SessionReport = loaders['/sessions/report'].Screen;
const Roster = loaders['/roster'].Screen;
const SlaPolicy = loaders['/sla-policy'].Screen;

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
            <Route path="/ledger" element={<Ledger />} />
            <Route path="/ledger/households/:code" element={<Ledger />} />
            <Route path="/ledger/villages/:code" element={<Ledger />} />
            <Route path="/queue" element={<Queue />} />
            <Route path="/dashboard" element={<Dashboard />} />
            <Route path="/definitions" element={<Definitions />} />
            <Route path="/hot-topics" element={<HotTopics />} />
            <Route path="/plans" element={<Plans />} />
            <Route path="/plans/:planId" element={<Plans />} />
            <Route path="/four-helps" element={<FourHelps />} />
            <Route path="/accounts" element={<Accounts />} />
            <Route path="/account" element={<Account />} />
            <Route path="/audit" element={<Audit />} />
            <Route path="/notifications" element={<Notifications />} />
            <Route path="/open311-keys" element={<Open311Keys />} />
            <Route path="/duty" element={<Duty />} />
            <Route path="/appraisals" element={<Appraisals />} />
            <Route path="/composite" element={<Composite />} />
            <Route path="/inspections" element={<Inspections />} />
            <Route path="/evaluation" element={<Evaluation />} />
            <Route path="/sessions" element={<Sessions />} />
            <Route path="/sessions/report" element={<SessionReport />} />
            <Route path="/roster" element={<Roster />} />
            <Route path="/sla-policy" element={<SlaPolicy />} />
            <Route path="*" element={<NotFound />} />
          </Route>
        </Routes>
      </Suspense>
    </AuthProvider>
  );
}
