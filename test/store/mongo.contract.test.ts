import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store/port';
import { describeStoreContract } from './contract';

const uri = process.env.MONGODB_URI;

/** Each test gets a database of its own, dropped again when the test closes the store. */
async function openFresh(mongoUri: string, now: () => Date): Promise<Store> {
  // Loaded lazily, so without a server mongoose is never loaded. require, not import(): under
  // mocha's tsx/cjs hook a dynamic import() goes to Node's ESM loader, which cannot load .ts files.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openMongoStore } = require('../../src/store/mongo') as typeof import('../../src/store/mongo');
  const dbName = `launchgate_contract_${randomUUID().slice(0, 8)}`;
  const store = await openMongoStore({ uri: mongoUri, dbName, now });
  const closeStore = store.close.bind(store);
  return Object.assign(store, {
    close: async (): Promise<void> => {
      await closeStore();
      await dropDatabase(mongoUri, dbName);
    },
  });
}

async function dropDatabase(mongoUri: string, dbName: string): Promise<void> {
  const { default: mongoose } = await import('mongoose');
  const conn = mongoose.createConnection(mongoUri, { dbName, serverSelectionTimeoutMS: 5000 });
  try {
    await conn.asPromise();
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}

describeStoreContract(
  'MongoDB',
  uri
    ? async ({ now }) => openFresh(uri, now)
    : { pending: 'MONGODB_URI is not set and no MongoDB server can run on this machine' },
);
