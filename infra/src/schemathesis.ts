/**
 * Schemathesis (PyPI `schemathesis`), the property-based fuzzer the test suite
 * runs against both OpenAPI documents (tests/e2e/fuzz.test.ts). Installed like
 * the Temporal CLI: once, into a version-keyed venv in the cache
 * (`<cache>/schemathesis-<version>/venv`), by the project's own code.
 */
import { pipInstall } from './temporal';

export const SCHEMATHESIS_VERSION = '4.32.5';

/** The `st` command line of the pinned version. */
export function ensureSchemathesis(): Promise<string> {
  return pipInstall('schemathesis', 'schemathesis', SCHEMATHESIS_VERSION, 'st');
}
