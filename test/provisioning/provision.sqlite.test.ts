import { openSqliteStore } from '../../src/store/sqlite';
import { describeProvisioningContract } from './provision.contract';

describeProvisioningContract('SQLite', async () => {
  const store = openSqliteStore({ file: ':memory:' });
  await store.init();
  return store;
});
