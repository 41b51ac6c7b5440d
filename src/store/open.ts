import fs from 'node:fs';
import path from 'node:path';
import type { Store } from './port';

export interface StoreLocation {
  mongodbUri: string | null;
  dataDir: string;
}

export const SQLITE_FILE_NAME = 'launchgate.sqlite';

export interface OpenStoreOptions {
  /** Told about trouble the store works around on its own (e.g. checkpoints falling back). */
  onWarning?: (message: string) => void;
  /**
   * Server processes writing the store at once (LAUNCHGATE_WORKERS). With one, SQLite groups the
   * writes of each turn into one commit; with several, each write commits alone (group-commit.ts).
   */
  serverProcesses?: number;
}

/** MongoDB when a URI is configured, otherwise the embedded SQLite file in DATA_DIR. */
export async function openStore(location: StoreLocation, options: OpenStoreOptions = {}): Promise<Store> {
  let store: Store;
  if (location.mongodbUri !== null) {
    // Loaded only when configured, so the embedded default never pays for mongoose.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { openMongoStore } = require('./mongo') as typeof import('./mongo/index.js');
    store = await openMongoStore({ uri: location.mongodbUri });
  } else {
    fs.mkdirSync(location.dataDir, { recursive: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { openSqliteStore } = require('./sqlite') as typeof import('./sqlite/index.js');
    store = openSqliteStore({
      file: path.join(location.dataDir, SQLITE_FILE_NAME),
      onCheckpointFallback: (reason) => options.onWarning?.(`SQLite checkpoints are back on the main thread: ${reason}`),
      groupCommit: (options.serverProcesses ?? 1) === 1,
    });
  }
  await store.init();
  return store;
}

export function describeStore(store: Store, location: StoreLocation): string {
  if (store.kind === 'mongo') return 'MongoDB (MONGODB_URI)';
  return `embedded SQLite at ${path.join(location.dataDir, SQLITE_FILE_NAME)}`;
}
