/**
 * Configuration is read once from the environment, validated, and passed in. Nothing else in the
 * code reads process.env. A bad value stops start-up with one line naming the variable.
 */
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { DEFAULT_PRODUCT_ID, type Product } from '../provisioning/product';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface OAuthPartnerConfig {
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  apiUrl: string;
}

/**
 * How LaunchGate talks to Clever and ClassLink, beyond the endpoints: read whether or not a partner
 * is on, so a bad value is caught at start-up either way.
 */
export interface OAuthSettings {
  /** PARTNER_TIMEOUT_MS: the deadline of each call to Clever or ClassLink (token, user info). */
  timeoutMs: number;
  /** CLEVER_PKCE: send S256 PKCE to Clever; off by default, Clever does not document it. */
  cleverPkce: boolean;
  /** CLASSLINK_PKCE: send S256 PKCE to ClassLink; off by default, ClassLink lists no PKCE parameters. */
  classlinkPkce: boolean;
  /** CLASSLINK_SCOPE: the space-separated scopes requested; `profile` is what /v2/my/info needs. */
  classlinkScope: string;
}

/** The defaults without the environment; the Clever and ClassLink adapters take theirs from here too. */
export const OAUTH_DEFAULTS: OAuthSettings = { timeoutMs: 10_000, cleverPkce: false, classlinkPkce: false, classlinkScope: 'profile' };

/**
 * Which peers may name the client in X-Forwarded-For, as Express's `trust proxy` takes it: false
 * (none), a hop count, or addresses, CIDR ranges and the names loopback, linklocal, uniquelocal.
 */
export type TrustProxy = false | number | string[];

export interface Config {
  port: number;
  host: string;
  /** From TRUST_PROXY; the client address the sign-in throttle counts per depends on it. */
  trustProxy: TrustProxy;
  publicUrl: URL;
  mongodbUri: string | null;
  dataDir: string;
  /** From LAUNCHGATE_SECRET; null means "generate into DATA_DIR" (refused in production). */
  secret: string | null;
  /** From LAUNCHGATE_ADMIN_TOKEN; null means "generate one on first start and print it once". */
  adminToken: string | null;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: LogLevel;
  products: Product[];
  defaultProductId: string;
  /** null when the partner's client id is unset: the partner is off. */
  clever: OAuthPartnerConfig | null;
  classlink: OAuthPartnerConfig | null;
  oauth: OAuthSettings;
  sandbox: boolean;
  /** From LAUNCHGATE_WORKERS: processes serving requests (1: this process serves them itself). */
  workers: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parsePort(env: Env, name: string, fallback: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number from 0 to 65535, got "${raw}"`);
  const n = Number(raw);
  if (n > 65535) throw new ConfigError(name, `must be a whole number from 0 to 65535, got "${raw}"`);
  return n;
}

function parseUrl(env: Env, name: string, fallback: string): URL {
  const raw = str(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an absolute http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return url;
}

function parseBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, `must be 1/0, true/false, yes/no or on/off, got "${raw}"`);
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyEntry(entry: string): boolean {
  if (PROXY_NAMES.includes(entry.toLowerCase()) || isIP(entry) !== 0) return true;
  const cidr = /^([^/]+)\/(\d{1,3})$/.exec(entry);
  if (cidr === null) return false;
  const family = isIP(cidr[1]!);
  return family !== 0 && Number(cidr[2]) <= (family === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY: by default only a proxy on this machine (loopback) may set X-Forwarded-For. Trusting
 * every private address, as before, let anyone on the same network pick a fresh client address for
 * each attempt and walk past the per-address sign-in throttle. `true` (trust anyone) is refused for
 * the same reason: the client would choose its own address.
 */
function parseTrustProxy(env: Env): TrustProxy {
  const raw = str(env, 'TRUST_PROXY');
  if (raw === undefined) return ['loopback'];
  if (/^(false|0)$/i.test(raw)) return false;
  if (/^true$/i.test(raw)) {
    throw new ConfigError('TRUST_PROXY', 'true would let any client set its own address; give the proxies\' addresses or CIDR ranges, or the number of proxy hops');
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 32) throw new ConfigError('TRUST_PROXY', `a hop count must be from 0 to 32, got "${raw}"`);
    return hops;
  }
  const entries = raw.split(',').map((e) => e.trim());
  const bad = entries.find((e) => !isProxyEntry(e));
  if (bad !== undefined) {
    throw new ConfigError('TRUST_PROXY', `must be false, a hop count, or a comma-separated list of IP addresses, CIDR ranges (10.0.0.0/8) and loopback, linklocal, uniquelocal; "${bad}" is none of these`);
  }
  return entries;
}

/**
 * LAUNCHGATE_PRODUCTS is a JSON array of {id, name, launchUrl, jitEligible}. When unset, one
 * built-in product whose launch page is served by LaunchGate itself, so the quick start works.
 */
function parseProducts(env: Env, publicUrl: URL): Product[] {
  const raw = str(env, 'LAUNCHGATE_PRODUCTS');
  if (raw === undefined) {
    return [
      {
        id: DEFAULT_PRODUCT_ID,
        name: 'Studio (built-in demo product)',
        launchUrl: new URL('/product/studio', publicUrl).toString(),
        jitEligible: true,
      },
    ];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError('LAUNCHGATE_PRODUCTS', 'must be a JSON array of {id, name, launchUrl, jitEligible}');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new ConfigError('LAUNCHGATE_PRODUCTS', 'must be a non-empty JSON array');
  }
  const seen = new Set<string>();
  return parsed.map((item: unknown, i: number): Product => {
    const where = `LAUNCHGATE_PRODUCTS[${i}]`;
    if (typeof item !== 'object' || item === null) throw new ConfigError(where, 'must be an object');
    const o = item as Record<string, unknown>;
    const { id, name, launchUrl, jitEligible } = o;
    if (typeof id !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(id)) {
      throw new ConfigError(`${where}.id`, 'must be 1-63 lower-case letters, digits, - or _');
    }
    if (seen.has(id)) throw new ConfigError(`${where}.id`, `"${id}" is listed twice`);
    seen.add(id);
    if (typeof name !== 'string' || name.trim() === '') throw new ConfigError(`${where}.name`, 'must be a non-empty string');
    let url: URL;
    try {
      url = new URL(String(launchUrl), publicUrl);
    } catch {
      throw new ConfigError(`${where}.launchUrl`, 'must be a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`${where}.launchUrl`, 'must be http(s)');
    if (typeof jitEligible !== 'boolean') throw new ConfigError(`${where}.jitEligible`, 'must be true or false');
    return { id, name: name.trim(), launchUrl: url.toString(), jitEligible };
  });
}

/** A deadline in milliseconds: a whole number, at least 1, and short enough for a waiting browser. */
function parseTimeoutMs(env: Env, name: string, fallback: number): number {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const ms = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(ms) || ms < 1 || ms > 120_000) {
    throw new ConfigError(name, `must be a whole number of milliseconds from 1 to 120000, got "${raw}"`);
  }
  return ms;
}

/** RFC 6749 §3.3: scope tokens are printable ASCII without space, `"` or `\`, separated by single spaces. */
function parseScope(env: Env, name: string, fallback: string): string {
  const raw = str(env, name);
  if (raw === undefined) return fallback;
  const tokens = raw.split(/\s+/);
  if (tokens.some((t) => !/^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/.test(t)) || tokens.length > 20) {
    throw new ConfigError(name, `must be scope names separated by spaces (e.g. "profile oneroster"), got "${raw}"`);
  }
  return tokens.join(' ');
}

function parseOAuthSettings(env: Env): OAuthSettings {
  return {
    timeoutMs: parseTimeoutMs(env, 'PARTNER_TIMEOUT_MS', OAUTH_DEFAULTS.timeoutMs),
    cleverPkce: parseBool(env, 'CLEVER_PKCE', OAUTH_DEFAULTS.cleverPkce),
    classlinkPkce: parseBool(env, 'CLASSLINK_PKCE', OAUTH_DEFAULTS.classlinkPkce),
    classlinkScope: parseScope(env, 'CLASSLINK_SCOPE', OAUTH_DEFAULTS.classlinkScope),
  };
}

function parsePartner(env: Env, prefix: 'CLEVER' | 'CLASSLINK', defaults: Omit<OAuthPartnerConfig, 'clientId' | 'clientSecret'>): OAuthPartnerConfig | null {
  const clientId = str(env, `${prefix}_CLIENT_ID`);
  if (clientId === undefined) return null;
  const clientSecret = str(env, `${prefix}_CLIENT_SECRET`);
  if (clientSecret === undefined) throw new ConfigError(`${prefix}_CLIENT_SECRET`, `is required when ${prefix}_CLIENT_ID is set`);
  return {
    clientId,
    clientSecret,
    authorizeUrl: parseUrl(env, `${prefix}_AUTHORIZE_URL`, defaults.authorizeUrl).toString(),
    tokenUrl: parseUrl(env, `${prefix}_TOKEN_URL`, defaults.tokenUrl).toString(),
    apiUrl: parseUrl(env, `${prefix}_API_URL`, defaults.apiUrl).toString().replace(/\/$/, ''),
  };
}

export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const nodeEnvRaw = str(env, 'NODE_ENV') ?? 'development';
  if (nodeEnvRaw !== 'development' && nodeEnvRaw !== 'production' && nodeEnvRaw !== 'test') {
    throw new ConfigError('NODE_ENV', `must be development, production or test, got "${nodeEnvRaw}"`);
  }
  const nodeEnv = nodeEnvRaw;
  const port = parsePort(env, 'PORT', 3000);
  const publicUrl = parseUrl(env, 'PUBLIC_URL', `http://localhost:${port}`);
  if (publicUrl.pathname !== '/' || publicUrl.search || publicUrl.hash) {
    throw new ConfigError('PUBLIC_URL', 'must be an origin without a path, e.g. https://launchgate.example.org');
  }
  if (nodeEnv === 'production' && publicUrl.protocol !== 'https:') {
    throw new ConfigError('PUBLIC_URL', 'must be https in production (Canvas and browsers require it for cross-site launches)');
  }
  const mongodbUri = str(env, 'MONGODB_URI') ?? null;
  if (mongodbUri !== null && !/^mongodb(\+srv)?:\/\//.test(mongodbUri)) {
    throw new ConfigError('MONGODB_URI', 'must start with mongodb:// or mongodb+srv://');
  }
  const secret = str(env, 'LAUNCHGATE_SECRET') ?? null;
  if (secret === null && nodeEnv === 'production') {
    throw new ConfigError('LAUNCHGATE_SECRET', 'is required in production (at least 32 characters); generate one with `openssl rand -base64 48`');
  }
  if (secret !== null && secret.length < 32) {
    throw new ConfigError('LAUNCHGATE_SECRET', 'must be at least 32 characters');
  }
  const adminToken = str(env, 'LAUNCHGATE_ADMIN_TOKEN') ?? null;
  if (adminToken !== null && adminToken.length < 24) {
    throw new ConfigError('LAUNCHGATE_ADMIN_TOKEN', 'must be at least 24 characters');
  }
  const logLevelRaw = (str(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info')).toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelRaw)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevelRaw}"`);
  }
  const products = parseProducts(env, publicUrl);
  const defaultProductId = str(env, 'LAUNCHGATE_DEFAULT_PRODUCT') ?? products[0]!.id;
  if (!products.some((p) => p.id === defaultProductId)) {
    throw new ConfigError('LAUNCHGATE_DEFAULT_PRODUCT', `"${defaultProductId}" is not one of the configured products`);
  }
  const sandbox = parseBool(env, 'LAUNCHGATE_SANDBOX', false);
  if (sandbox && nodeEnv === 'production') {
    throw new ConfigError('LAUNCHGATE_SANDBOX', 'cannot be on when NODE_ENV=production');
  }
  return {
    port,
    host: str(env, 'HOST') ?? '0.0.0.0',
    trustProxy: parseTrustProxy(env),
    publicUrl,
    mongodbUri,
    dataDir: path.resolve(cwd, str(env, 'DATA_DIR') ?? './data'),
    secret,
    adminToken,
    nodeEnv,
    logLevel: logLevelRaw as LogLevel,
    products,
    defaultProductId,
    clever: parsePartner(env, 'CLEVER', {
      authorizeUrl: 'https://clever.com/oauth/authorize',
      tokenUrl: 'https://clever.com/oauth/tokens',
      apiUrl: 'https://api.clever.com',
    }),
    classlink: parsePartner(env, 'CLASSLINK', {
      authorizeUrl: 'https://launchpad.classlink.com/oauth2/v2/auth',
      tokenUrl: 'https://launchpad.classlink.com/oauth2/v2/token',
      apiUrl: 'https://nodeapi.classlink.com',
    }),
    oauth: parseOAuthSettings(env),
    sandbox,
    workers: parseWorkers(env, sandbox),
  };
}

/** `auto` is one worker per core the machine offers this process. */
function parseWorkers(env: Env, sandbox: boolean): number {
  const raw = str(env, 'LAUNCHGATE_WORKERS');
  if (raw === undefined) return 1;
  const workers = raw.toLowerCase() === 'auto' ? availableParallelism() : /^[0-9]{1,2}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
    throw new ConfigError('LAUNCHGATE_WORKERS', `must be a whole number from 1 to 64, or auto, got "${raw}"`);
  }
  if (workers > 1 && sandbox) {
    // The sandbox's simulated partners keep their state in the process that runs them.
    throw new ConfigError('LAUNCHGATE_WORKERS', 'must be 1 while the sandbox is on (LAUNCHGATE_SANDBOX)');
  }
  return workers;
}

/**
 * The quick start (`npm start` passes --quick-start) turns the sandbox on unless LAUNCHGATE_SANDBOX
 * is set (to anything, even empty) or NODE_ENV is production.
 */
export function quickStartEnv(env: Env): Env {
  if (env.LAUNCHGATE_SANDBOX !== undefined || str(env, 'NODE_ENV') === 'production') return env;
  return { ...env, LAUNCHGATE_SANDBOX: '1' };
}

/** Cookies may drop `Secure` only for plain-HTTP local development. */
export function isLocalHttp(config: Pick<Config, 'publicUrl'>): boolean {
  const { protocol, hostname } = config.publicUrl;
  return protocol === 'http:' && (hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]');
}
