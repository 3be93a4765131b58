/**
 * The third-party Open311 GeoReport v2 client (PyPI `georeport`) that
 * tests/e2e/open311.test.ts drives against the case API's /open311/v2, to show
 * an existing client reads minqing. Installed like Schemathesis and the Temporal
 * CLI: once, into a version-keyed venv in the cache
 * (`<cache>/georeport-<version>/venv`), by the project's own code (pipInstall).
 */
import { pipInstall } from './temporal';

export const GEOREPORT_VERSION = '0.3.1';

/** The venv's `python`, which imports the pinned `georeport`. */
export function ensureGeoReport(): Promise<string> {
  return pipInstall('georeport', 'georeport', GEOREPORT_VERSION, 'python');
}
