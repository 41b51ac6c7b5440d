/**
 * `npm start`: read configuration, open the store, make sure secrets and an operator token exist,
 * build the app with every partner, listen, and shut down cleanly on SIGTERM/SIGINT.
 */
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { runSupervisor } from './cluster';
import { ConfigError, loadConfig, quickStartEnv, type Config } from './config';
import { createLogger } from './logger';
import { openStore, describeStore } from '../store/open';
import { productCatalog } from '../provisioning/product';
import { loadSigningKeys, resolveSecret } from './secrets';
import { ensureOperatorToken } from './bootstrap';
import { drainable } from './drain';
import { createApp } from './app';
import { createAppServer } from './http-server';
import { partnerModules } from './partners';
import { retireSandboxAdmin, startSandbox } from '../sandbox';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.argv.includes('--quick-start') ? quickStartEnv(process.env) : process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`launchgate: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) {
    process.exitCode = await runSupervisor(config, logger);
    return;
  }
  const { secret, generated } = resolveSecret(config.secret, config.dataDir);
  const store = await openStore(config, { onWarning: (message) => logger.warn(message), serverProcesses: config.workers });
  const keys = await loadSigningKeys(store, secret);
  // A worker's supervisor did the once-only start-up (operator token, sandbox account) for all of them.
  const { printOnce } = cluster.isWorker ? { printOnce: null } : await ensureOperatorToken(store, config.adminToken);
  const products = productCatalog(config.products, config.defaultProductId);
  // Sandbox mode: simulated partners and a demo organization; LaunchGate sees only the configuration it yields.
  const sandbox = config.sandbox ? await startSandbox({ config, store, logger, products }) : null;
  // A sandbox run earlier on this store left an operator account whose password was printed; off means off.
  if (sandbox === null && !cluster.isWorker && (await retireSandboxAdmin({ store, products }))) logger.warn('disabled the sandbox console account: the sandbox is off');
  const appConfig = sandbox?.config ?? config;
  const partners = [...partnerModules(appConfig, store, secret), ...(sandbox ? [sandbox.module] : [])];
  const built = await createApp({ config: appConfig, store, logger, products, keys, partners });

  const server: Server = createAppServer(built.app).listen(config.port, config.host);
  const drainer = drainable(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const lines = [
    `LaunchGate listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port} (public URL ${config.publicUrl.origin})`,
    `Store: ${describeStore(store, config)}`,
  ];
  if (generated) lines.push(`Generated LAUNCHGATE_SECRET into ${config.dataDir} (set LAUNCHGATE_SECRET yourself in production).`);
  if (printOnce !== null) {
    lines.push(`Admin API operator token (shown once, stored hashed): ${printOnce}`);
    lines.push(`  try: curl -H "Authorization: Bearer ${printOnce}" ${config.publicUrl.origin}/api/v1/organizations`);
  }
  if (sandbox) lines.push(...sandbox.banner());
  // A worker's supervisor prints the one banner for all of them.
  if (!cluster.isWorker) console.log(lines.join('\n'));
  logger.info({ port, store: store.kind }, 'started');

  // Expired login states, nonces, sessions and assertion ids are invisible to reads already;
  // this only keeps the table small.
  const purge = setInterval(() => {
    store.ephemeral.purgeExpired(new Date()).then(
      (removed) => logger.debug({ removed }, 'purged expired ephemeral records'),
      (err: unknown) => logger.warn({ err }, 'could not purge expired ephemeral records'),
    );
  }, 10 * 60_000);
  purge.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(purge);
    logger.info({ signal }, 'shutting down');
    // Whatever hangs below (a request that never ends, a store that never answers), the process
    // still ends, and says it did not end cleanly.
    const force = setTimeout(() => {
      logger.warn({ signal }, 'shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      // In-flight requests are answered before what they need (partners, sandbox, store) closes.
      await drainer.drain();
      await built.close();
      await sandbox?.close();
      await store.close();
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
    logger.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });
}

main().catch((err: unknown) => {
  console.error(`launchgate: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
