/**
 * A LaunchGate built by hand, for the two things the shared harness does not offer (yet): a second
 * process on another instance's SQLite file and secret, and a logger whose output the test reads.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import { createApp } from '../../src/server/app';
import { loadConfig, type Config } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import type { PartnerModule } from '../../src/server/partner-module';
import { loadSigningKeys } from '../../src/server/secrets';
import { productCatalog } from '../../src/provisioning/product';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/port';

export interface Instance {
  baseUrl: string;
  store: Store;
  close(): Promise<void>;
}

export async function startInstance(options: {
  env: Record<string, string>;
  partners: (config: Config) => PartnerModule[];
  /** An existing file and the secret its keys were sealed with; a fresh file when absent. */
  sqliteFile?: string;
  secret?: string;
  logDestination?: DestinationStream;
}): Promise<Instance> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-oauth-'));
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: options.logDestination ? 'trace' : 'silent', PUBLIC_URL: baseUrl, DATA_DIR: dataDir, ...options.env }, dataDir);
  const store = openSqliteStore({ file: options.sqliteFile ?? path.join(dataDir, 'launchgate.sqlite') });
  await store.init();
  const keys = await loadSigningKeys(store, options.secret ?? 'instance-secret-0123456789abcdef0123456789');
  const built = await createApp({
    config,
    store,
    logger: createLogger(config.logLevel, options.logDestination),
    products: productCatalog(config.products, config.defaultProductId),
    keys,
    partners: options.partners(config),
  });
  handler = built.app;
  return {
    baseUrl,
    store,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
