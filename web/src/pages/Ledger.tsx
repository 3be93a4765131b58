/**
 * The ledger screens (民情台帐 / 民情档案) as one console chunk: the list at
 * /ledger, a household's file at /ledger/households/:code and a village's
 * ledger at /ledger/villages/:code (App.tsx routes all three here).
 */
import { useLocation } from 'react-router-dom';
import LedgerList from './ledger/LedgerList';
import HouseholdLedger from './ledger/HouseholdLedger';
import VillageLedger from './ledger/VillageLedger';

export default function Ledger() {
  const { pathname } = useLocation();
  if (pathname.startsWith('/ledger/households/')) return <HouseholdLedger key={pathname} />;
  if (pathname.startsWith('/ledger/villages/')) return <VillageLedger key={pathname} />;
  return <LedgerList />;
}
