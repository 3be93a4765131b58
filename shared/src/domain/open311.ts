/** Open311 GeoReport v2 (services/case-api/src/open311): what an API key is, as the case API answers it and the console shows it. */
export interface Open311Key {
  id: string;
  name: string;
  organisation: string;
  servicePointCode: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
  lastUsedAt: string | null;
  /** how many requests (cases) the key has opened */
  requests: number;
}
