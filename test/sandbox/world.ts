/**
 * A whole LaunchGate in sandbox mode, composed the way src/server/main.ts composes it (the
 * sandbox's configuration, every partner from src/server/partners.ts, the sandbox's pages), on a
 * fresh SQLite file and a random loopback port.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { TEST_SCRYPT } from '../../src/admin/accounts';
import { generateToken, hashToken } from '../../src/admin/auth';
import { productCatalog } from '../../src/provisioning/product';
import { createApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { partnerModules } from '../../src/server/partners';
import { loadSigningKeys } from '../../src/server/secrets';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { TestClient, type Hop } from '../support/client';

export interface SandboxWorld {
  baseUrl: string;
  store: SqliteStore;
  sandbox: Sandbox;
  operatorToken: string;
  close(): Promise<void>;
}

export interface SandboxWorldOptions {
  /** `localhost` (as the quick start's PUBLIC_URL) or 127.0.0.1; the server listens on 127.0.0.1 either way. */
  hostName?: 'localhost' | '127.0.0.1';
  env?: Record<string, string>;
  /** Reuse a data directory (a restart). */
  dataDir?: string;
}

export async function startSandboxWorld(options: SandboxWorldOptions = {}): Promise<SandboxWorld> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-sandbox-'));
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${options.hostName ?? '127.0.0.1'}:${port}`;
  const config = loadConfig(
    { NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', PUBLIC_URL: baseUrl, DATA_DIR: dataDir, PORT: String(port), LAUNCHGATE_SANDBOX: '1', ...options.env },
    dataDir,
  );
  const logger = createLogger(config.logLevel);
  const store = openSqliteStore({ file: path.join(dataDir, 'launchgate.sqlite') });
  await store.init();
  // Derived from the directory, so a restart on the same directory can open its signing key.
  const secret = `sandbox-test-secret-${dataDir}`;
  const keys = await loadSigningKeys(store, secret);
  const operatorToken = generateToken();
  await store.createApiToken({ name: 'test operator', role: 'operator', orgId: null, tokenHash: hashToken(operatorToken) });
  const products = productCatalog(config.products, config.defaultProductId);
  const sandbox = await startSandbox({ config, store, logger, products, scrypt: TEST_SCRYPT });
  const built = await createApp({
    config: sandbox.config,
    store,
    logger,
    products,
    keys,
    partners: [...partnerModules(sandbox.config, store, secret), sandbox.module],
  });
  handler = built.app;
  return {
    baseUrl,
    store,
    sandbox,
    operatorToken,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
      await sandbox.close();
      await store.close();
      if (options.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Picks a partner and a persona on the sandbox's home page; returns the launch page's address. */
export async function chooseLaunch(w: SandboxWorld, client: TestClient, form: Record<string, string>): Promise<string> {
  const hop = await client.request(`${w.baseUrl}/sandbox/launches`, { form });
  if (hop.status !== 303 || !hop.location) throw new Error(`the sandbox refused the choice: ${hop.status} ${hop.body.slice(0, 400)}`);
  return hop.location;
}

/** Follows an entry of a launch (course page, portal, "Log in with …") hop by hop, as the frame would, to LaunchGate's last answer. */
export async function runEntry(client: TestClient, launchUrl: string, entry: 'portal' | 'log-in-with'): Promise<Hop[]> {
  const hops = await client.follow(`${launchUrl}/start/${entry}`);
  if (entry === 'portal') {
    // The portal page shows the app's tile; a click on it is the portal launch.
    const portal = hops[hops.length - 1]!;
    const tile = /data-testid="app-tile" href="([^"]+)"/.exec(portal.body)?.[1];
    if (!tile) throw new Error(`no app tile on ${portal.url}: ${portal.body.slice(0, 300)}`);
    hops.push(...(await client.follow(new URL(tile.replace(/&amp;/g, '&'), portal.url).toString())));
  }
  return hops;
}

export interface ResultJson {
  state: 'waiting' | 'decided';
  eventId?: string;
  decision?: string;
  reason?: string;
  requestId?: string | null;
  consoleUrl?: string | null;
}

export async function resultOf(client: TestClient, launchUrl: string): Promise<ResultJson> {
  const hop = await client.request(`${launchUrl}/result.json`);
  return JSON.parse(hop.body) as ResultJson;
}
