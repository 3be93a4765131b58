/**
 * docker-compose.yml against the code. Docker need not be installed: the file is
 * parsed and compared with the services' config schemas (the same TypeBox
 * objects their loaders use), their entry points, and the Temporal search
 * attributes the workflows set. A renamed variable, a changed default port, a
 * moved entry file or a new search attribute fails here instead of at
 * `docker compose up`.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newPayloadKey, SEARCH_ATTRIBUTE_CLI_SPECS } from '@minqing/shared';
import { ApiConfigSchema, loadApiConfig } from '../../services/case-api/src/config';
import { loadWorkerConfig, WorkerConfigSchema } from '../../services/case-worker/src/config';
import { loadReportingConfig, ReportingConfigSchema } from '../../services/reporting/src/config';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), 'utf8');

// ---------------------------------------------------------------- the file

type Env = Record<string, string | undefined>;

interface PortMapping {
  hostIp: string | undefined;
  published: number | undefined;
  target: number;
}

interface ComposeService {
  name: string;
  raw: Record<string, unknown>;
  environment: Env;
  ports: PortMapping[];
  command: string[] | undefined;
  /** depends_on, normalised to service name -> condition. */
  dependsOn: Record<string, string>;
  healthcheck: string[] | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Secrets the operator must supply: `${VAR:?message}` makes compose refuse to
 * start without them (no default key in a public file). The test stands in a
 * valid value for each, the same one wherever the variable appears.
 */
const OPERATOR_SECRETS: Record<string, () => string> = {
  PAYLOAD_KEYS: () => newPayloadKey('k1'),
  SERVICE_TOKEN_SECRETS: () => randomBytes(32).toString('base64'),
};
const secretValues = new Map<string, string>();

/**
 * Compose interpolates `${VAR:-default}` / `${VAR-default}` from the shell or
 * `.env`; here every such value resolves to its default, as for a user with a
 * clean environment. A `${VAR}` without a default cannot be checked and fails,
 * and so does a required `${VAR:?message}` that is not an operator secret above.
 */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*)|:\?([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name: string | undefined, def: string | undefined, required: string | undefined) => {
    if (match === '$$') return '$';
    if (def !== undefined) return def;
    if (required !== undefined && name && OPERATOR_SECRETS[name]) {
      if (!secretValues.has(name)) secretValues.set(name, OPERATOR_SECRETS[name]());
      return secretValues.get(name)!;
    }
    throw new Error(`docker-compose.yml: ${match} has no default (write \${VAR:-default})`);
  });
}

function interpolateAll(node: unknown): unknown {
  if (typeof node === 'string') return interpolate(node);
  if (Array.isArray(node)) return node.map(interpolateAll);
  if (isRecord(node)) return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v)]));
  return node;
}

const scalar = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function environmentOf(raw: unknown): Env {
  if (raw === undefined) return {};
  if (Array.isArray(raw)) {
    const env: Env = {};
    for (const entry of raw) {
      const text = String(entry);
      const eq = text.indexOf('=');
      if (eq === -1) env[text] = undefined;
      else env[text.slice(0, eq)] = text.slice(eq + 1);
    }
    return env;
  }
  if (isRecord(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, scalar(v)]));
  throw new Error(`unexpected environment: ${JSON.stringify(raw)}`);
}

function portsOf(raw: unknown): PortMapping[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`unexpected ports: ${JSON.stringify(raw)}`);
  return raw.map((entry): PortMapping => {
    if (isRecord(entry)) {
      return {
        hostIp: scalar(entry.host_ip),
        published: entry.published === undefined ? undefined : Number(entry.published),
        target: Number(entry.target),
      };
    }
    // Short syntax: [[host_ip:]published:]target[/protocol]
    const parts = String(entry).replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.at(-1));
    const published = parts.length >= 2 ? Number(parts.at(-2)) : undefined;
    const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : undefined;
    return { hostIp, published, target };
  });
}

/** Compose splits a string command shell-style; this file should use lists, but plain words work too. */
function argvOf(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw)) return raw.map(String);
  return String(raw).trim().split(/\s+/);
}

function dependsOnOf(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [String(name), 'service_started']));
  if (isRecord(raw)) {
    return Object.fromEntries(
      Object.entries(raw).map(([name, spec]) => [name, isRecord(spec) ? String(spec.condition ?? 'service_started') : 'service_started']),
    );
  }
  throw new Error(`unexpected depends_on: ${JSON.stringify(raw)}`);
}

function healthcheckOf(raw: unknown): string[] | undefined {
  if (!isRecord(raw) || raw.disable === true) return undefined;
  if (Array.isArray(raw.test)) return raw.test.map(String);
  if (typeof raw.test === 'string') return ['CMD-SHELL', raw.test];
  return undefined;
}

function loadCompose(): Record<string, ComposeService> {
  const doc = interpolateAll(parse(read('docker-compose.yml')));
  if (!isRecord(doc) || !isRecord(doc.services)) throw new Error('docker-compose.yml has no services map');
  const out: Record<string, ComposeService> = {};
  for (const [name, raw] of Object.entries(doc.services)) {
    if (!isRecord(raw)) throw new Error(`service ${name} is not a map`);
    out[name] = {
      name,
      raw,
      environment: environmentOf(raw.environment),
      ports: portsOf(raw.ports),
      command: argvOf(raw.command),
      dependsOn: dependsOnOf(raw.depends_on),
      healthcheck: healthcheckOf(raw.healthcheck),
    };
  }
  return out;
}

const compose = loadCompose();

function service(name: string): ComposeService {
  const s = compose[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
}

/** Values following `flag` in an argv, in both `--flag value` and `--flag=value` forms. */
function flagValues(argv: readonly string[], flag: string): string[] {
  const values: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === flag) {
      const next = argv[i + 1];
      if (next !== undefined) values.push(next);
    } else if (arg.startsWith(`${flag}=`)) {
      values.push(arg.slice(flag.length + 1));
    }
  });
  return values;
}

// ---------------------------------------------------------------- the code

/** The parts of a TypeBox `Type.Object` this test reads. */
interface ObjectSchema {
  properties: Record<string, { default?: unknown }>;
  required?: string[];
}

interface MinqingService {
  name: 'case-api' | 'case-worker' | 'reporting';
  schema: ObjectSchema;
  load: (env: Env) => Record<string, unknown>;
  /** The service's own directory; its entry point must live under it. */
  dir: string;
  hostVar: string;
  portVar: string;
}

const MINQING: MinqingService[] = [
  { name: 'case-api', schema: ApiConfigSchema, load: (env) => loadApiConfig(env), dir: 'services/case-api', hostVar: 'API_HOST', portVar: 'API_PORT' },
  { name: 'case-worker', schema: WorkerConfigSchema, load: (env) => loadWorkerConfig(env), dir: 'services/case-worker', hostVar: 'WORKER_HOST', portVar: 'WORKER_PORT' },
  { name: 'reporting', schema: ReportingConfigSchema, load: (env) => loadReportingConfig(env), dir: 'services/reporting', hostVar: 'REPORTING_HOST', portVar: 'REPORTING_PORT' },
];

/**
 * A property must be set when `Type.Object` lists it in `required` (i.e. it is
 * not `Type.Optional`) and it has no `default` for `loadConfig` to fill in.
 */
const mustBeSet = (schema: ObjectSchema) =>
  (schema.required ?? []).filter((key) => schema.properties[key]?.default === undefined);

const loaded = (s: MinqingService) => s.load(service(s.name).environment);

/** `host:port` split, for TEMPORAL_ADDRESS and each KAFKA_BROKERS entry. */
function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

// ---------------------------------------------------------------- the checks

describe('docker-compose.yml', () => {
  it('defines postgres, kafka, temporal and the three minqing services', () => {
    for (const name of ['postgres', 'kafka', 'temporal', 'case-api', 'case-worker', 'reporting']) {
      expect(compose, `service ${name}`).toHaveProperty([name]);
    }
  });

  describe.each(MINQING)('$name', (s) => {
    const props = s.schema.properties;
    const has = (key: string) => Object.hasOwn(props, key);

    it('sets only variables its config schema reads (no typos)', () => {
      const unknown = Object.keys(service(s.name).environment).filter((key) => !has(key));
      expect(unknown, `not in ${s.dir}/src/config.ts`).toEqual([]);
    });

    it('sets every variable the schema requires, each with a value', () => {
      const env = service(s.name).environment;
      const missing = mustBeSet(s.schema).filter((key) => env[key] === undefined || env[key] === '');
      expect(missing).toEqual([]);
      const valueless = Object.entries(env).filter(([, v]) => v === undefined).map(([k]) => k);
      expect(valueless, 'variables passed through from the host are not reproducible').toEqual([]);
    });

    it("passes the service's own config loader", () => {
      expect(() => loaded(s)).not.toThrow();
    });

    it('listens on all interfaces inside the container', () => {
      expect(loaded(s)[s.hostVar]).toBe('0.0.0.0');
    });

    it("publishes its port at the schema's default", () => {
      const port = loaded(s)[s.portVar];
      const def = props[s.portVar]?.default;
      expect(typeof def).toBe('number');
      const mapping = service(s.name).ports.find((p) => p.target === port);
      expect(mapping, `a ports entry whose container port is ${s.portVar}=${String(port)}`).toBeDefined();
      expect(mapping?.published).toBe(def);
    });

    it('has a healthcheck that asks its own port', () => {
      const test = service(s.name).healthcheck;
      expect(test).toBeDefined();
      const url = (test ?? []).join(' ').match(/http:\/\/[^\s'"`)]+/)?.[0];
      expect(url, 'an http:// URL in healthcheck.test').toBeDefined();
      const parsed = new URL(url ?? 'http://invalid');
      expect(Number(parsed.port)).toBe(loaded(s)[s.portVar]);
      expect(['/healthz', '/readyz']).toContain(parsed.pathname);
    });

    it('runs an entry point of this service that exists in the repo', () => {
      const argv = service(s.name).command;
      expect(argv, 'command').toBeDefined();
      const entry = (argv ?? []).find((a) => /\.[cm]?[jt]s$/.test(a));
      expect(entry, 'a .ts/.js entry in command').toBeDefined();
      const rel = entry ?? '';
      // Relative to the image's WORKDIR, which holds the repo root.
      expect(path.isAbsolute(rel)).toBe(false);
      expect(fs.existsSync(path.join(repoRoot, rel)), `${rel} exists`).toBe(true);
      expect(path.posix.normalize(rel).startsWith(`${s.dir}/`), `${rel} is under ${s.dir}`).toBe(true);
      if ((argv ?? []).includes('tsx')) {
        const pkg = JSON.parse(read('package.json')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
        expect({ ...pkg.dependencies, ...pkg.devDependencies }).toHaveProperty(['tsx']);
      }
    });

    it('is built from the root Dockerfile', () => {
      const build = service(s.name).raw.build;
      const context = isRecord(build) ? String(build.context ?? '.') : String(build);
      const dockerfile = isRecord(build) ? String(build.dockerfile ?? 'Dockerfile') : 'Dockerfile';
      expect(path.resolve(repoRoot, context)).toBe(repoRoot);
      expect(fs.existsSync(path.join(repoRoot, context, dockerfile))).toBe(true);
    });

    const needs = [
      ['DATABASE_URL', 'postgres'],
      ['KAFKA_BROKERS', 'kafka'],
      ['TEMPORAL_ADDRESS', 'temporal'],
    ].filter(([key]) => has(key!)) as [string, string][];

    it.each(needs)('waits for %s (%s) to be healthy', (_key, dependency) => {
      expect(service(s.name).dependsOn[dependency]).toBe('service_healthy');
      expect(service(dependency).healthcheck, `${dependency} has a healthcheck`).toBeDefined();
    });

    if (has('DATABASE_URL')) {
      it('DATABASE_URL points at the postgres service with its credentials', () => {
        const url = new URL(String(loaded(s).DATABASE_URL));
        const pg = service('postgres').environment;
        expect(url.hostname).toBe('postgres');
        expect(url.port === '' || url.port === '5432').toBe(true);
        expect(decodeURIComponent(url.username)).toBe(pg.POSTGRES_USER);
        expect(decodeURIComponent(url.password)).toBe(pg.POSTGRES_PASSWORD);
        expect(url.pathname.slice(1)).toBe(pg.POSTGRES_DB ?? pg.POSTGRES_USER);
      });
    }

    if (has('KAFKA_BROKERS')) {
      it("KAFKA_BROKERS points at the kafka service's internal listener", () => {
        const brokers = String(loaded(s).KAFKA_BROKERS).split(',').map((b) => b.trim());
        const advertised = (service('kafka').environment.KAFKA_ADVERTISED_LISTENERS ?? '')
          .split(',')
          .map((l) => l.trim().replace(/^[A-Za-z0-9_]+:\/\//, ''));
        expect(brokers.length).toBeGreaterThan(0);
        for (const broker of brokers) {
          expect(hostPort(broker).host).toBe('kafka');
          expect(advertised, `kafka advertises ${broker}`).toContain(broker);
        }
      });
    }

    if (has('TEMPORAL_ADDRESS')) {
      it('TEMPORAL_ADDRESS points at the temporal service, in a namespace it serves', () => {
        const config = loaded(s);
        const argv = service('temporal').command ?? [];
        const { host, port } = hostPort(String(config.TEMPORAL_ADDRESS));
        expect(host).toBe('temporal');
        expect(port).toBe(Number(flagValues(argv, '--port').at(-1) ?? flagValues(argv, '-p').at(-1) ?? 7233));
        // start-dev always creates `default`; others need --namespace.
        expect(['default', ...flagValues(argv, '--namespace'), ...flagValues(argv, '-n')]).toContain(config.TEMPORAL_NAMESPACE);
      });
    }
  });

  it('case-api and case-worker agree on the Temporal namespace and task queue', () => {
    const [api, worker] = [MINQING[0]!, MINQING[1]!].map(loaded) as [Record<string, unknown>, Record<string, unknown>];
    expect(api.TEMPORAL_NAMESPACE).toBe(worker.TEMPORAL_NAMESPACE);
    expect(api.TEMPORAL_TASK_QUEUE).toBe(worker.TEMPORAL_TASK_QUEUE);
  });

  it('case-api and case-worker encrypt Temporal payloads with the same key ring, which the operator must supply', () => {
    const [api, worker] = [MINQING[0]!, MINQING[1]!].map(loaded) as [Record<string, unknown>, Record<string, unknown>];
    expect(api.PAYLOAD_KEYS).toBe(worker.PAYLOAD_KEYS);
    for (const name of ['case-api', 'case-worker']) {
      expect(String((parse(read('docker-compose.yml')) as { services: Record<string, { environment: Record<string, string> }> }).services[name]!.environment.PAYLOAD_KEYS)).toMatch(/^\$\{PAYLOAD_KEYS:\?/);
    }
  });

  it('case-api signs and reporting verifies service tokens with the same secrets, which the operator must supply', () => {
    const [api, reporting] = [MINQING[0]!, MINQING[2]!].map(loaded) as [Record<string, unknown>, Record<string, unknown>];
    expect(api.SERVICE_TOKEN_SECRETS).toBe(reporting.SERVICE_TOKEN_SECRETS);
    const raw = parse(read('docker-compose.yml')) as { services: Record<string, { environment: Record<string, string> }> };
    for (const name of ['case-api', 'reporting']) {
      expect(String(raw.services[name]!.environment.SERVICE_TOKEN_SECRETS)).toMatch(/^\$\{SERVICE_TOKEN_SECRETS:\?/);
    }
    // The case API reaches reporting inside the compose network, where reporting's port is published to the host too: its token check is what guards it.
    expect(new URL(String(api.REPORTING_URL)).hostname).toBe('reporting');
  });

  it("the Temporal Web UI decodes through the case API's codec endpoint, which allows the UI's origin", () => {
    const endpoint = flagValues(service('temporal').command ?? [], '--ui-codec-endpoint');
    expect(endpoint).toHaveLength(1);
    const url = new URL(endpoint[0]!);
    const api = loaded(MINQING[0]!);
    expect(url.pathname).toBe('/api/v1/codec');
    expect(Number(url.port)).toBe(service('case-api').ports.find((p) => p.target === api.API_PORT)?.published);
    const ui = service('temporal').ports.find((p) => p.target === Number(flagValues(service('temporal').command ?? [], '--ui-port').at(-1)));
    expect(String(api.CODEC_CORS_ORIGINS).split(',')).toContain(`http://localhost:${ui?.published}`);
  });

  it('case-worker and reporting agree on the case-events topic', () => {
    const [worker, reporting] = [MINQING[1]!, MINQING[2]!].map(loaded) as [Record<string, unknown>, Record<string, unknown>];
    expect(worker.CASE_EVENTS_TOPIC).toBe(reporting.CASE_EVENTS_TOPIC);
    expect(worker.KAFKA_TOPIC_PARTITIONS).toBe(reporting.KAFKA_TOPIC_PARTITIONS);
  });

  describe('temporal', () => {
    it('runs the dev server reachable from other containers', () => {
      const argv = service('temporal').command ?? [];
      expect(argv.slice(0, 2)).toEqual(['server', 'start-dev']);
      expect(flagValues(argv, '--ip')).toEqual(['0.0.0.0']);
    });

    it('registers exactly the search attributes of shared/src/domain/search-attributes.ts', () => {
      const registered = flagValues(service('temporal').command ?? [], '--search-attribute');
      expect(SEARCH_ATTRIBUTE_CLI_SPECS.length).toBeGreaterThan(0);
      expect([...registered].sort()).toEqual([...SEARCH_ATTRIBUTE_CLI_SPECS].sort());
    });
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it("installs with the pnpm version of package.json's packageManager, from the lockfile", () => {
    const pkg = JSON.parse(read('package.json')) as { packageManager?: string };
    expect(pkg.packageManager).toMatch(/^pnpm@/);
    const install = dockerfile.match(/pnpm@(\S+) install([^\n]*)/);
    expect(install, 'a `pnpm@<version> install` line').not.toBeNull();
    expect(`pnpm@${install?.[1]}`).toBe(pkg.packageManager);
    expect(install?.[2]).toContain('--frozen-lockfile');
  });

  it('keeps the host node_modules out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    expect(ignored).toContain('**/node_modules');
  });
});
