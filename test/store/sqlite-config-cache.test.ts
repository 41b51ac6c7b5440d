/**
 * The SQLite store keeps configuration reads (directories, domains, connections, entitlements) in
 * memory between admin changes. An admin's change, made through any connection to the file (another
 * LaunchGate process, the CLI), must be seen by the very next launch; and the WAL is checkpointed by
 * a worker thread rather than inside launches' commits.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { tenantKeyString } from '../../src/identity/launch-identity';
import type { SqliteStore } from '../../src/store/sqlite';
import { sqliteFilePerTest } from '../support/sqlite-file';

describe('SQLite configuration reads between admin changes', function () {
  const sqlite = sqliteFilePerTest('config');
  const open = (options: { checkpointInWorker?: boolean } = {}) => sqlite.open(options);

  async function seed(store: SqliteStore) {
    const org = await store.createOrganization({ name: 'Cached County' });
    const directory = await store.createDirectory({ orgId: org.id, name: 'Students', jitEnabled: true });
    const connection = await store.createConnection({
      status: 'linked',
      orgId: org.id,
      directoryId: directory.id,
      settings: { partner: 'clever', districtId: 'district-1' },
      enabled: true,
      trustEmail: true,
      label: null,
    });
    return { org, directory, connection };
  }

  it('a launch process sees a change made by another process on its next read', async () => {
    const launches = await open();
    const admin = await open({ checkpointInWorker: false });
    const { org, directory, connection } = await seed(admin);
    const key = tenantKeyString({ partner: 'clever', districtId: 'district-1' });

    assert.equal((await launches.findConnectionByTenantKey(key))?.enabled, true);
    assert.equal((await launches.getDirectory(directory.id))?.jitEnabled, true);
    assert.equal(await launches.findDomainByName('cached.example'), null);
    assert.equal(await launches.getEntitlement(org.id, 'studio'), null);

    await admin.updateConnection(connection.id, { enabled: false });
    await admin.updateDirectory(directory.id, { jitEnabled: false });
    await admin.claimDomain({ orgId: org.id, directoryId: directory.id, name: 'cached.example', verificationToken: 't' });
    await admin.setEntitlement(org.id, 'studio', 10);

    assert.equal((await launches.findConnectionByTenantKey(key))?.enabled, false);
    assert.equal((await launches.getDirectory(directory.id))?.jitEnabled, false);
    assert.equal((await launches.findDomainByName('cached.example'))?.status, 'pending');
    assert.equal((await launches.getEntitlement(org.id, 'studio'))?.seats, 10);

    await admin.deleteConnection(connection.id);
    assert.equal(await launches.findConnectionByTenantKey(key), null);
  });

  it('a caller cannot change what later launches read', async () => {
    const store = await open();
    const { directory } = await seed(store);
    const first = (await store.getDirectory(directory.id))!;
    assert.throws(() => {
      (first as { jitEnabled: boolean }).jitEnabled = false;
    }, TypeError);
    assert.equal((await store.getDirectory(directory.id))?.jitEnabled, true);
  });

  it('launch commits never checkpoint; the worker copies the WAL into the file while the store is open', async () => {
    const store = await open();
    assert.equal(store.database.pragma('wal_autocheckpoint', { simple: true }), 0);
    const { org, directory } = await seed(store);
    const sizeBefore = fs.statSync(sqlite.file).size;
    for (let i = 0; i < 1500; i++) {
      await store.createUser({
        orgId: org.id,
        directoryId: directory.id,
        email: `student${i}@cached.example`,
        givenName: 'Student',
        familyName: `Number ${i}`,
        displayName: null,
        roles: ['student'],
        rawRoles: [],
        createdBy: 'jit',
        lastLaunchAt: null,
      });
    }
    // Fewer pages than SQLite's own threshold (1000): without the worker nothing would reach the file yet.
    const deadline = Date.now() + 5_000;
    while (fs.statSync(sqlite.file).size <= sizeBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.statSync(sqlite.file).size > sizeBefore, 'the database file did not grow while the store was open');

    await store.close();
    const wal = `${sqlite.file}-wal`;
    assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, 'the WAL was left behind after a clean close');
  });
});
