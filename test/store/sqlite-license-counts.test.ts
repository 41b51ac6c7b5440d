/**
 * The SQLite store keeps each organization's license count in a table its triggers maintain, so a
 * seat check reads one row instead of counting every license. The count must equal the licenses.
 */
import assert from 'node:assert/strict';
import type { SqliteStore } from '../../src/store/sqlite';
import { sqliteFilePerTest } from '../support/sqlite-file';

describe('SQLite license counts', function () {
  const sqlite = sqliteFilePerTest('counts');
  const open = (file?: string) => sqlite.open(file === undefined ? {} : { file });

  async function seed(store: SqliteStore, users: number, seats: number | null) {
    const org = await store.createOrganization({ name: 'Counted' });
    const dirRow = await store.createDirectory({ orgId: org.id, name: 'All', jitEnabled: true });
    await store.setEntitlement(org.id, 'studio', seats);
    const ids: string[] = [];
    for (let i = 0; i < users; i++) {
      const { user } = await store.createUser({
        orgId: org.id,
        directoryId: dirRow.id,
        email: `u${i}@school.example`,
        givenName: null,
        familyName: null,
        displayName: null,
        roles: [],
        rawRoles: [],
        createdBy: 'admin',
        lastLaunchAt: null,
      });
      ids.push(user.id);
    }
    return { orgId: org.id, directoryId: dirRow.id, ids };
  }

  const counted = (store: SqliteStore, orgId: string) =>
    store.database.prepare('SELECT count(*) FROM licenses WHERE org_id = ? AND product_id = ?').pluck().get(orgId, 'studio');

  it('follows assignments and revocations exactly, and the seat limit holds on it', async () => {
    const store = await open();
    const { orgId, directoryId, ids } = await seed(store, 5, 3);
    const outcomes = [];
    for (const userId of ids) outcomes.push((await store.assignLicense({ userId, orgId, directoryId, productId: 'studio', source: 'jit' })).outcome);
    assert.deepEqual(outcomes, ['assigned', 'assigned', 'assigned', 'no_seats', 'no_seats']);
    assert.equal(await store.countLicenses(orgId, 'studio'), 3);
    assert.equal(await store.revokeLicense(ids[0]!, 'studio'), true);
    assert.equal(await store.countLicenses(orgId, 'studio'), 2);
    assert.equal((await store.assignLicense({ userId: ids[4]!, orgId, directoryId, productId: 'studio', source: 'jit' })).outcome, 'assigned');
    assert.equal(await store.countLicenses(orgId, 'studio'), counted(store, orgId));
    assert.equal(await store.countLicenses(orgId, 'another-product'), 0);
  });

  it('a file written before the counts existed is counted when it is upgraded', async () => {
    const file = sqlite.pathOf('old.sqlite');
    const before = await open(file);
    const { orgId, directoryId, ids } = await seed(before, 4, null);
    for (const userId of ids) await before.assignLicense({ userId, orgId, directoryId, productId: 'studio', source: 'jit' });
    // Back to the schema of version 2, as an older LaunchGate left the file.
    before.database.exec(`
      DROP TRIGGER licenses_count_insert; DROP TRIGGER licenses_count_delete; DROP TRIGGER licenses_count_move;
      DROP TABLE license_counts; DELETE FROM schema_migrations WHERE version = 3;`);
    await before.close();
    const after = await open(file);
    assert.equal(await after.countLicenses(orgId, 'studio'), 4);
  });
});
