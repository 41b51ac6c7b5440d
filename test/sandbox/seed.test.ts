/**
 * The sandbox's demo organization: what a fresh start seeds, that seeding again is a no-op that keeps
 * admins' changes, and that Canvas connections follow the simulator to its new port.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { productCatalog } from '../../src/provisioning/product';
import { seedSandboxDemo } from '../../src/sandbox';
import type { CanvasEndpoints } from '../../src/sandbox/simulators';
import { DISTRICTS, SANDBOX_SEATS } from '../../src/sandbox/tenants';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import type { Partner } from '../../src/identity/launch-identity';

const PRODUCTS = productCatalog([{ id: 'studio', name: 'Studio', launchUrl: 'http://127.0.0.1:1/product/studio', jitEligible: true }]);

function endpoints(port: number): CanvasEndpoints {
  return {
    authEndpoint: `http://localhost:${port}/api/lti/authorize_redirect`,
    tokenEndpoint: `http://127.0.0.1:${port}/login/oauth2/token`,
    jwksUrl: `http://127.0.0.1:${port}/api/lti/security/jwks`,
  };
}

const ALL: Partner[] = ['canvas', 'clever', 'classlink'];

describe('sandbox: the seeded demo organization', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-sandbox-seed-'));
    store = openSqliteStore({ file: path.join(dir, 'launchgate.sqlite') });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function counts() {
    const orgs = await store.listOrganizations();
    const directories = (await Promise.all(orgs.map((o) => store.listDirectories(o.id)))).flat();
    const domains = await store.listDomains({});
    const connections = await store.listConnections({});
    const adminEvents = await store.countAudit({ kind: 'admin' });
    return { orgs: orgs.length, directories: directories.length, domains: domains.length, connections: connections.length, adminEvents };
  }

  it('on a fresh store: one organization, a JIT-on and a JIT-off directory with verified domains, a few seats, and every partner linked in both', async () => {
    const demo = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4001), partners: ALL });
    assert.equal((await store.listOrganizations()).length, 1);
    const lincoln = await store.getDirectory(demo.directories.lincoln.id);
    const roosevelt = await store.getDirectory(demo.directories.roosevelt.id);
    assert.equal(lincoln?.jitEnabled, true);
    assert.equal(roosevelt?.jitEnabled, false);
    for (const [key, directory] of [['lincoln', lincoln], ['roosevelt', roosevelt]] as const) {
      const domains = await store.listDomains({ directoryId: directory!.id });
      assert.deepEqual(
        domains.map((d) => [d.name, d.status]),
        [[DISTRICTS[key].domain, 'verified']],
      );
      const connections = await store.listConnections({ directoryId: directory!.id });
      assert.deepEqual(connections.map((c) => c.partner).sort(), ['canvas', 'classlink', 'clever']);
      assert.ok(connections.every((c) => c.status === 'linked' && c.enabled));
    }
    assert.equal((await store.getEntitlement(demo.org.id, 'studio'))?.seats, SANDBOX_SEATS);
    assert.ok(SANDBOX_SEATS <= 10, 'a seat count small enough to run out of in a demo');
    // Jefferson County is nobody's: no domain claimed, no connection.
    assert.equal(await store.findDomainByName(DISTRICTS.jefferson.domain), null);
    // Created as an admin would create it: the audit log says so, by the sandbox.
    const admin = await store.listAudit({ kind: 'admin' }, { limit: 100, offset: 0 });
    assert.ok(admin.items.some((e) => e.reason === 'connection.linked' && e.actor === 'sandbox'));
    assert.ok(admin.items.some((e) => e.reason === 'domain.verified' && e.actor === 'sandbox'));
  });

  it('seeding again creates nothing and keeps what admins changed (seats, JIT, a disabled connection)', async () => {
    const first = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4001), partners: ALL });
    await store.setEntitlement(first.org.id, 'studio', 40);
    await store.updateDirectory(first.directories.roosevelt.id, { jitEnabled: true });
    const clever = first.connections.find((c) => c.partner === 'clever' && c.district === 'lincoln')!.connection;
    await store.updateConnection(clever.id, { enabled: false });
    const before = await counts();

    const second = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4001), partners: ALL });
    assert.deepEqual(second.created, []);
    assert.deepEqual(await counts(), before);
    assert.equal(second.org.id, first.org.id);
    assert.equal((await store.getEntitlement(first.org.id, 'studio'))?.seats, 40);
    assert.equal((await store.getDirectory(first.directories.roosevelt.id))?.jitEnabled, true);
    assert.equal((await store.getConnection(clever.id))?.enabled, false);
  });

  it('finds its organization and directories again after an admin renamed them', async () => {
    const first = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4001), partners: ALL });
    await store.updateDirectory(first.directories.lincoln.id, { name: 'Lincoln USD' });
    const before = await counts();
    const second = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4001), partners: ALL });
    assert.deepEqual(await counts(), before);
    assert.equal(second.directories.lincoln.id, first.directories.lincoln.id);
  });

  it('points the Canvas connections at the simulator’s new address after a restart, and touches nothing else', async () => {
    const first = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4001), partners: ALL });
    const before = await counts();
    const second = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4999), partners: ALL });
    assert.deepEqual(await counts(), before);
    for (const { partner, connection } of second.connections) {
      const stored = await store.getConnection(connection.id);
      if (partner === 'canvas') {
        assert.equal(stored?.settings.partner === 'canvas' && stored.settings.jwksUrl, endpoints(4999).jwksUrl);
        assert.equal(stored?.settings.partner === 'canvas' && stored.settings.authEndpoint, endpoints(4999).authEndpoint);
      }
    }
    assert.equal(second.connections.length, first.connections.length);
  });

  it('links no demo tenant for a partner that has a real app configured', async () => {
    const demo = await seedSandboxDemo({ store, products: PRODUCTS, canvas: endpoints(4001), partners: ['canvas', 'classlink'] });
    assert.deepEqual([...new Set(demo.connections.map((c) => c.partner))].sort(), ['canvas', 'classlink']);
    assert.equal((await store.listConnections({ partner: 'clever' })).length, 0);
  });
});
