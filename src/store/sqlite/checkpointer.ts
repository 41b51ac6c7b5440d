/**
 * WAL checkpoints off the event loop. By default SQLite checkpoints inside whichever commit pushes
 * the WAL past 1000 pages, so one launch in a few hundred pays for copying the whole WAL into the
 * database while every other request waits behind it. Here the store's own connection never
 * checkpoints; a worker thread with its own connection to the same file does, every
 * `intervalMs`, in PASSIVE mode (it never blocks a writer or a reader).
 *
 * If the worker cannot start or dies, the store's connection goes back to SQLite's automatic
 * checkpoints, so the WAL never grows without bound. A crash loses nothing either way: the WAL is
 * part of the database and SQLite replays it on the next open.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

/** SQLite's default: checkpoint when a commit leaves the WAL above this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

// Plain JavaScript evaluated in the worker, so it runs the same under tsx (tests) and from dist.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  process.exit(0);
});
`;

export interface CheckpointerOptions {
  intervalMs?: number;
  /** Told when checkpoints fall back to the store's own connection. */
  onFallback?: (reason: string) => void;
}

export class WalCheckpointer {
  private worker: Worker | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly options: CheckpointerOptions = {},
  ) {}

  start(): void {
    if (this.worker !== null) return;
    try {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { driver: require.resolve('better-sqlite3'), file: this.file, intervalMs: this.options.intervalMs ?? 200 },
      });
      // The process may exit without closing the store (a test, a crash): the worker must not hold it open.
      worker.unref();
      worker.on('message', (message: { error?: string }) => {
        if (message.error !== undefined) this.fallBack(`checkpoint failed: ${message.error}`);
      });
      worker.on('error', (err) => this.fallBack(`checkpoint worker failed: ${err.message}`));
      worker.on('exit', () => {
        if (this.worker === worker) this.fallBack('checkpoint worker exited');
      });
      this.db.pragma('wal_autocheckpoint = 0');
      this.worker = worker;
    } catch (err) {
      this.fallBack(`checkpoint worker could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Stops the worker after one last checkpoint; the store's connection checkpoints again on its own. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    await new Promise<void>((resolve) => {
      const done = setTimeout(() => void worker.terminate().finally(resolve), 2_000);
      worker.once('exit', () => {
        clearTimeout(done);
        resolve();
      });
      worker.postMessage('stop');
    });
  }

  private fallBack(reason: string): void {
    const worker = this.worker;
    this.worker = null;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    if (worker !== null) void worker.terminate();
    this.options.onFallback?.(reason);
  }
}
