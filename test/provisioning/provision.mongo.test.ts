import { randomUUID } from 'node:crypto';
import { describeProvisioningContract } from './provision.contract';

const uri = process.env.MONGODB_URI;

describeProvisioningContract(
  'MongoDB',
  uri
    ? async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { openMongoStore } = require('../../src/store/mongo') as typeof import('../../src/store/mongo/index.js');
        const store = await openMongoStore({ uri, dbName: `launchgate_test_${randomUUID().slice(0, 8)}` });
        await store.init();
        return store;
      }
    : { pending: 'MONGODB_URI is not set and no MongoDB server can run on this machine' },
);
