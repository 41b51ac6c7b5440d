/**
 * LaunchGate as an operator runs it: `node dist/src/server/main.js`, configured only by its
 * environment, on the embedded SQLite store in a fresh temporary DATA_DIR, listening on 127.0.0.1.
 * Its log goes to a file in that directory (so the benchmark never has to drain a pipe).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { scratchDir, spawnChild, stopChild, type Runtime } from './children';

export interface LaunchGateOptions {
  runtime: Runtime;
  /** Partner variables (CLEVER_*, CLASSLINK_*, ...) pointing at the simulators. */
  partnerEnv: Record<string, string>;
  logLevel: string;
  /** Extra node flags for the server, e.g. ['--cpu-prof', '--cpu-prof-dir=...']. */
  nodeFlags?: string[];
}

export interface LaunchGateProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: string;
  adminToken: string;
  dataDir: string;
  sqliteFile: string;
  logFile: string;
  /** SIGTERM (LaunchGate closes its store cleanly), then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** Removes the temporary DATA_DIR (after stop). */
  cleanup(): void;
  /** Keeps the DATA_DIR after the run (for a look at the SQLite file and the log). */
  keep(): void;
}

/** A port free right now on 127.0.0.1; PUBLIC_URL must name it before LaunchGate starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(baseUrl: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '(no log)';
  throw new Error(`LaunchGate did not become ready at ${baseUrl}:\n${log}`);
}

export async function startLaunchGate(options: LaunchGateOptions): Promise<LaunchGateProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-bench-'));
  const scratch = scratchDir(dataDir);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminToken = randomBytes(24).toString('base64url');
  const logFile = path.join(dataDir, 'launchgate.log');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    LAUNCHGATE_SECRET: randomBytes(36).toString('base64url'),
    LAUNCHGATE_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: options.logLevel,
    ...options.partnerEnv,
  };
  const logFd = fs.openSync(logFile, 'a');
  const child = spawnChild(options.runtime, 'src/server/main', env, options.nodeFlags ?? [], logFd);
  fs.closeSync(logFd);
  await waitReady(baseUrl, child, logFile, 30_000);
  if (child.pid === undefined) throw new Error('LaunchGate has no pid');
  return {
    child,
    pid: child.pid,
    baseUrl,
    adminToken,
    dataDir,
    sqliteFile: path.join(dataDir, 'launchgate.sqlite'),
    logFile,
    stop: () => stopChild(child, 10_000),
    cleanup: () => scratch.remove(),
    keep: () => scratch.release(),
  };
}
