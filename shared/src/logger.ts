/** One pino logger factory so every service logs the same JSON shape. */
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Query parameters whose values may appear in a logged URL: codes, filters,
 * paging, periods. Any other parameter's value (a search term `q`, anything new)
 * is masked, so a name, phone or ID tail in a query string never reaches a log.
 */
const LOGGABLE_QUERY = new Set([
  'limit', 'offset', 'cursor', 'page', 'groupBy', 'period', 'from', 'to', 'category', 'categories', 'status', 'priority', 'channel',
  'department', 'area', 'village', 'cadre', 'level', 'role', 'entity', 'format', 'isKey', 'isVulnerable', 'scope', 'queue', 'kind',
  'action', 'actor', 'subject', 'since', 'until', 'metric', 'view', 'lang', 'assignee', 'servicePoint', 'code', 'figure', 'key', 'outcome',
]);
export const MASK = '[redacted]';

/** A request URL fit for a log line: path as is, query values masked unless known to be harmless codes. */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    let key: string;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
    } catch {
      key = '';
    }
    if (LOGGABLE_QUERY.has(key)) return pair;
    // Another parameter: its name if it is a plain identifier (which parameters came is useful), never its value.
    const shownKey = /^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(key) ? rawKey : MASK;
    return eq < 0 ? shownKey : `${shownKey}=${MASK}`;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/**
 * Paths the logger censors wherever they appear at these depths: request and
 * response bodies, credentials, and residents' personal fields.
 */
const PII_KEYS = ['resident', 'residentName', 'residentPhone', 'phone', 'email', 'residentEmail', 'phoneTail', 'headName', 'idTail', 'idNumber', 'address', 'q'];
const SECRET_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-service-token', 'proxy-authorization'];
export const REDACT_PATHS = [
  ...['body', 'payload', 'req.body', 'request.body', 'reply.payload', 'res.body', '*.body', '*.payload'],
  ...SECRET_HEADERS.flatMap((h) => [`headers["${h}"]`, `req.headers["${h}"]`, `res.headers["${h}"]`, `*.headers["${h}"]`]),
  ...PII_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  // PostgreSQL puts the offending values in an error's detail ("Key (phone)=(…) already exists").
  'err.detail', '*.err.detail',
];

/** What a request log line says about a request (Fastify's default minus anything that could carry personal data). */
function reqSerializer(req: { method?: string; url?: string; host?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: req.method, url: loggableUrl(req.url ?? ''), host: req.host ?? req.hostname, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

export function loggerOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // Residents' names, phones and ID tails, bodies and credentials never reach a log line.
    redact: { paths: REDACT_PATHS, censor: MASK },
    serializers: { req: reqSerializer },
  };
}

export function createLogger(service: string, level = 'info'): Logger {
  return pino(loggerOptions(service, level));
}
