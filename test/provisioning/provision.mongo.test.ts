import { randomUUID } from 'node:crypto';
import { describeProvisioningContract } from './provision.contract';

const uri = process.env.MONGODB_URI;

describeProvisioningContract(
  'MongoDB',
  uri
    ? async () => {
        const { openMongoStore } = await import('../../src/store/mongo/index.js');
        const store = await openMongoStore({ uri, dbName: `launchgate_test_${randomUUID().slice(0, 8)}` });
        await store.init();
        return store;
      }
    : { pending: 'MONGODB_URI is not set and no MongoDB server can run on this machine' },
);
