/**
 * `LAUNCHGATE_WORKERS=N`: one supervising process and N worker processes that share the listening
 * port (node:cluster hands each new connection to a worker in turn). Every worker is a complete
 * LaunchGate on the same store: nothing a launch needs lives in one process's memory, so the steps
 * of one launch may land on different workers, as they would behind a load balancer.
 *
 * The supervisor does the one-time start-up work (migrations, generated secret, signing key,
 * operator token) before any worker exists, so workers never race to create them, and it is the
 * only one that prints the start-up banner.
 */
import cluster, { type Worker } from 'node:cluster';
import { productCatalog } from '../provisioning/product';
import { retireSandboxAdmin } from '../sandbox';
import { describeStore, openStore } from '../store/open';
import { ensureOperatorToken } from './bootstrap';
import type { Config } from './config';
import type { Logger } from './logger';
import { loadSigningKeys, resolveSecret } from './secrets';

export interface SupervisorOptions {
  workers: number;
  logger: Logger;
  /** Extra environment for every worker. */
  env?: Record<string, string>;
  /** A worker that dies is replaced, unless this many died within `restartWindowMs`. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** How long workers get to finish their requests after SIGTERM before they are killed. */
  stopTimeoutMs?: number;
}

export interface Supervisor {
  /** Resolves when every first worker listens; rejects if one exits before it does. */
  ready: Promise<void>;
  /** Resolves with the supervisor's exit code once every worker has exited. */
  done: Promise<number>;
  stop(signal: string): void;
}

/** Cluster worker ids are process-wide; the supervisor's own bookkeeping uses them as keys. */
export function superviseWorkers(options: SupervisorOptions): Supervisor {
  const { workers: count, logger } = options;
  const maxRestarts = options.maxRestarts ?? 5;
  const restartWindowMs = options.restartWindowMs ?? 60_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const live = new Set<Worker>();
  const restarts: number[] = [];
  let listening = 0;
  let stopping = false;
  let exitCode = 0;
  let started = false;

  let markReady!: () => void;
  let failStart!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failStart = reject;
  });
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const fork = (): Worker => {
    const worker = cluster.fork({ ...options.env, LAUNCHGATE_CLUSTER_WORKER: '1' });
    live.add(worker);
    worker.once('listening', () => {
      if (started) {
        logger.info({ worker: worker.process.pid }, 'replacement worker listening');
        return;
      }
      listening += 1;
      if (listening === count) {
        started = true;
        markReady();
      }
    });
    worker.once('exit', (code, signal) => {
      live.delete(worker);
      if (stopping) {
        // A worker that did not finish cleanly (an error, or killed at the deadline) makes the stop
        // unclean. One ended by our SIGTERM itself was still starting: it had nothing to finish.
        if (code !== 0 && signal !== 'SIGTERM') {
          exitCode = 1;
          logger.warn({ worker: worker.process.pid, code, signal }, 'a worker did not stop cleanly');
        }
        if (live.size === 0) finish(exitCode);
        return;
      }
      if (!started) {
        // A worker that cannot start (a store it cannot open, a port in use) will not start on
        // a second try either: stop the others and report it once.
        exitCode = 1;
        failStart(new Error(`a worker exited before it listened (code ${String(code)}, signal ${String(signal)})`));
        stop('worker failed to start');
        return;
      }
      const now = Date.now();
      while (restarts.length > 0 && now - restarts[0]! > restartWindowMs) restarts.shift();
      if (restarts.length >= maxRestarts) {
        logger.error({ worker: worker.process.pid, code, signal, restarts: restarts.length }, 'workers keep dying: stopping LaunchGate');
        exitCode = 1;
        stop('too many worker restarts');
        return;
      }
      restarts.push(now);
      logger.warn({ worker: worker.process.pid, code, signal }, 'worker died: starting a replacement');
      fork();
    });
    return worker;
  };

  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, workers: live.size }, 'stopping workers');
    if (live.size === 0) {
      finish(exitCode);
      return;
    }
    for (const worker of live) worker.process.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const worker of live) worker.process.kill('SIGKILL');
    }, stopTimeoutMs);
    force.unref();
  };

  for (let i = 0; i < count; i++) fork();
  return { ready, done, stop };
}

/**
 * The supervisor's start-up: everything that must happen once before workers exist, then the
 * workers, then one banner. Resolves with the exit code when LaunchGate has stopped.
 */
export async function runSupervisor(config: Config, logger: Logger): Promise<number> {
  const notices: string[] = [];
  const { secret, generated } = resolveSecret(config.secret, config.dataDir);
  const store = await openStore(config, { onWarning: (message) => logger.warn(message), serverProcesses: config.workers });
  const storeLine = `Store: ${describeStore(store, config)}`;
  try {
    await loadSigningKeys(store, secret);
    const { printOnce } = await ensureOperatorToken(store, config.adminToken);
    // Workers never run with the sandbox, so its console account is retired here, once.
    if (await retireSandboxAdmin({ store, products: productCatalog(config.products, config.defaultProductId) })) {
      logger.warn('disabled the sandbox console account: the sandbox is off');
    }
    if (generated) notices.push(`Generated LAUNCHGATE_SECRET into ${config.dataDir} (set LAUNCHGATE_SECRET yourself in production).`);
    if (printOnce !== null) {
      notices.push(`Admin API operator token (shown once, stored hashed): ${printOnce}`);
      notices.push(`  try: curl -H "Authorization: Bearer ${printOnce}" ${config.publicUrl.origin}/api/v1/organizations`);
    }
  } finally {
    await store.close();
  }

  const supervisor = superviseWorkers({ workers: config.workers, logger });
  process.on('SIGTERM', () => supervisor.stop('SIGTERM'));
  process.on('SIGINT', () => supervisor.stop('SIGINT'));
  try {
    await supervisor.ready;
  } catch (err) {
    console.error(`launchgate: could not start: ${err instanceof Error ? err.message : String(err)}`);
    return supervisor.done;
  }
  const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(
    [
      `LaunchGate listening on http://${host}:${config.port} (public URL ${config.publicUrl.origin}) with ${config.workers} worker processes`,
      storeLine,
      ...notices,
    ].join('\n'),
  );
  logger.info({ port: config.port, workers: config.workers }, 'started');
  return supervisor.done;
}
