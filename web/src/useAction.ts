/**
 * One thing the user asks of the API, as a form submits it: `busy` while it
 * runs (to disable the button), and the problem document if it failed.
 */
import { useCallback, useState } from 'react';
import { problemOf, type Problem } from './api';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = useCallback(async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, problem, setProblem, run };
}
