/**
 * A whole LaunchGate on 127.0.0.1:<random port>, on a fresh SQLite file, for end-to-end tests of
 * partners and the admin API. Seeding goes through the store, as an admin's API calls would.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/server/config';
import type { DestinationStream } from 'pino';
import { createLogger, type Logger } from '../../src/server/logger';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/port';
import type { ConnectionSettings, Directory, Organization } from '../../src/store/model';
import { productCatalog } from '../../src/provisioning/product';
import { loadSigningKeys, type SigningKeys } from '../../src/server/secrets';
import { createApp, type BuiltApp } from '../../src/server/app';
import type { PartnerModule } from '../../src/server/partner-module';
import { generateToken, hashToken } from '../../src/admin/auth';

export interface HarnessOptions {
  /** Extra environment for loadConfig (PUBLIC_URL and DATA_DIR are set by the harness). */
  env?: Record<string, string>;
  /** Partners to mount, built once the harness knows its config, store and secret. */
  partners?: (h: { config: Config; store: Store; secret: string }) => PartnerModule[];
  now?: () => Date;
  resolveTxt?: (name: string) => Promise<string[][]>;
  /** Reuse an existing SQLite file (e.g. to run two "processes" on one file). */
  sqliteFile?: string;
  /** Host to bind and to put in PUBLIC_URL; 127.0.0.1 by default. */
  host?: string;
  /** The deployment secret; instances sharing a store must share it (the signing key is sealed with it). */
  secret?: string;
  /** Where pino writes (e.g. a capturing stream for tests that inspect logs). */
  logDestination?: DestinationStream;
}

export interface Harness {
  baseUrl: string;
  config: Config;
  store: Store;
  keys: SigningKeys;
  built: BuiltApp;
  logger: Logger;
  secret: string;
  dataDir: string;
  sqliteFile: string;
  /** An operator API token (plain text) for /api/v1 calls. */
  operatorToken: string;
  close(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-test-'));
  const sqliteFile = options.sqliteFile ?? path.join(dataDir, 'launchgate.sqlite');
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host}:${port}`;
  const config = loadConfig(
    { NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', PUBLIC_URL: baseUrl, DATA_DIR: dataDir, PORT: String(port), ...options.env },
    dataDir,
  );
  const logger = createLogger(options.logDestination ? 'trace' : config.logLevel, options.logDestination);
  const store = openSqliteStore({ file: sqliteFile });
  await store.init();
  const secret = options.secret ?? 'test-secret-' + randomUUID() + randomUUID();
  const keys = await loadSigningKeys(store, secret);
  const operatorToken = generateToken();
  await store.createApiToken({ name: 'test operator', role: 'operator', orgId: null, tokenHash: hashToken(operatorToken) });
  const built = await createApp({
    config,
    store,
    logger,
    products: productCatalog(config.products, config.defaultProductId),
    keys,
    partners: options.partners?.({ config, store, secret }) ?? [],
    now: options.now,
    resolveTxt: options.resolveTxt,
  });
  handler = built.app;
  return {
    baseUrl,
    config,
    store,
    keys,
    built,
    logger,
    secret,
    dataDir,
    sqliteFile,
    operatorToken,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface SeededTenant {
  org: Organization;
  directory: Directory;
  domain: string;
}

/** An organization with one directory, a verified domain and an entitlement for the default product. */
export async function seedTenant(
  store: Store,
  options: { jitEnabled?: boolean; domain?: string; seats?: number | null; productId?: string; orgName?: string } = {},
): Promise<SeededTenant> {
  const domain = options.domain ?? `school-${randomUUID().slice(0, 8)}.k12.example`;
  const org = await store.createOrganization({ name: options.orgName ?? 'Lincoln Unified' });
  const directory = await store.createDirectory({ orgId: org.id, name: 'Students and staff', jitEnabled: options.jitEnabled ?? true });
  const claimed = await store.claimDomain({ orgId: org.id, directoryId: directory.id, name: domain, verificationToken: randomUUID() });
  await store.markDomainVerified(claimed.id, 'operator', new Date());
  await store.setEntitlement(org.id, options.productId ?? 'studio', options.seats === undefined ? 100 : options.seats);
  return { org, directory, domain };
}

export async function linkConnection(
  store: Store,
  tenant: SeededTenant,
  settings: ConnectionSettings,
  options: { enabled?: boolean; trustEmail?: boolean } = {},
) {
  return store.createConnection({
    status: 'linked',
    orgId: tenant.org.id,
    directoryId: tenant.directory.id,
    settings,
    enabled: options.enabled ?? true,
    trustEmail: options.trustEmail ?? true,
    label: null,
  });
}
