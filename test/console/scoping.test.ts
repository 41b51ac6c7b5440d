import assert from 'node:assert/strict';
import { seedOrg, startConsole, textOf, type ConsoleClient, type ConsoleWorld, type SeededOrg } from './support';

/** An organization admin signed in to the console must not see or touch another organization: 404 for every id of it. */
describe('admin console: organization admins see only their organization', () => {
  let w: ConsoleWorld;
  let a: SeededOrg;
  let b: SeededOrg;
  let adminA: ConsoleClient;

  before(async () => {
    w = await startConsole();
    a = await seedOrg(w, 'Lincoln');
    b = await seedOrg(w, 'Roosevelt');
    adminA = await w.signedIn(a.adminEmail);
  });
  after(() => w?.close());

  it('lands on its own organization', async () => {
    const hop = await adminA.get('/admin');
    assert.equal(hop.status, 303);
    assert.equal(new URL(hop.location!).pathname, `/admin/orgs/${a.orgId}`);
    const page = await adminA.get(`/admin/orgs/${a.orgId}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /Roosevelt/);
  });

  const pages: Array<[string, () => string]> = [
    ['overview', () => `/admin/orgs/${b.orgId}`],
    ['products and seats', () => `/admin/orgs/${b.orgId}/products`],
    ['audit log', () => `/admin/orgs/${b.orgId}/audit`],
    ['audit export', () => `/admin/orgs/${b.orgId}/audit.csv`],
    ['API tokens', () => `/admin/orgs/${b.orgId}/tokens`],
    ['admins', () => `/admin/orgs/${b.orgId}/admins`],
    ['directory settings', () => `/admin/directories/${b.directoryId}/settings`],
    ['domains', () => `/admin/directories/${b.directoryId}/domains`],
    ['connections', () => `/admin/directories/${b.directoryId}/connections`],
    ['users', () => `/admin/directories/${b.directoryId}/users`],
    ['user detail', () => `/admin/users/${b.userId}`],
  ];
  for (const [what, path] of pages) {
    it(`answers 404 for another organization’s ${what} page`, async () => {
      const hop = await adminA.get(path());
      assert.equal(hop.status, 404, hop.body.slice(0, 200));
      assert.doesNotMatch(hop.body, /Roosevelt|roosevelt/);
    });
  }

  const actions: Array<[string, () => string, Record<string, string>?]> = [
    ['create a directory in', () => `/admin/orgs/${b.orgId}/directories`, { name: 'Sneaky' }],
    ['set seats of', () => `/admin/orgs/${b.orgId}/products/studio/seats`, { seats: '1000' }],
    ['create an API token of', () => `/admin/orgs/${b.orgId}/tokens`, { name: 'Sneaky' }],
    ['revoke an API token of', () => `/admin/tokens/${b.tokenId}/revoke`],
    ['add an admin to', () => `/admin/orgs/${b.orgId}/admins`, { email: 'mallory@roosevelt.example', password: 'a long enough password' }],
    ['disable an admin of', () => `/admin/accounts/${b.adminId}/disable`],
    ['change the settings of', () => `/admin/directories/${b.directoryId}/settings`, { name: 'Pwned', jitEnabled: 'on' }],
    ['claim a domain in', () => `/admin/directories/${b.directoryId}/domains`, { name: 'sneaky.example' }],
    ['verify a domain of', () => `/admin/domains/${b.domainId}/verify`],
    ['operator-verify a domain of', () => `/admin/domains/${b.domainId}/operator-verify`],
    ['remove a domain of', () => `/admin/domains/${b.domainId}/remove`],
    ['link a connection in', () => `/admin/directories/${b.directoryId}/connections`, { partner: 'clever', districtId: 'sneaky', enabled: 'on' }],
    ['disable a connection of', () => `/admin/connections/${b.connectionId}/update`, { enabled: 'off' }],
    ['unlink a connection of', () => `/admin/connections/${b.connectionId}/unlink`],
    ['move a connection of', () => `/admin/connections/${b.connectionId}/link`, { directoryId: 'set in test' }],
    ['assign a license in', () => `/admin/directories/${b.directoryId}/licenses`, { email: 'milhouse@roosevelt.example', productId: 'studio' }],
    ['block a user of', () => `/admin/users/${b.userId}/status`, { status: 'blocked' }],
    ['revoke a license of', () => `/admin/users/${b.userId}/licenses/studio/revoke`],
  ];
  for (const [what, path, form] of actions) {
    it(`answers 404 when trying to ${what} another organization`, async () => {
      const payload = form?.directoryId ? { directoryId: a.directoryId } : form;
      const hop = await adminA.post(path(), payload);
      assert.equal(hop.status, 404, `${hop.status} ${hop.location ?? ''} ${textOf(hop.body).slice(0, 200)}`);
    });
  }

  it('left every record of the other organization as it was', async () => {
    const { store } = w;
    assert.equal((await store.listDirectories(b.orgId)).length, 1);
    const dir = await store.getDirectory(b.directoryId);
    assert.equal(dir?.name, 'Roosevelt staff');
    assert.equal((await store.getEntitlement(b.orgId, 'studio'))?.seats, 10);
    assert.equal((await store.getDomain(b.domainId))?.status, 'pending');
    assert.equal((await store.listDomains({ directoryId: b.directoryId })).length, 1);
    const connection = await store.getConnection(b.connectionId);
    assert.equal(connection?.enabled, true);
    assert.equal(connection?.directoryId, b.directoryId);
    assert.equal((await store.listConnections({ directoryId: b.directoryId })).length, 1);
    assert.equal((await store.getUser(b.userId))?.status, 'active');
    assert.ok(await store.getLicense(b.userId, 'studio'));
    assert.equal((await store.listUsers({ directoryId: b.directoryId }, { limit: 10, offset: 0 })).total, 1);
    assert.equal((await store.listApiTokens({ orgId: b.orgId })).filter((t) => t.revokedAt === null).length, 1);
    assert.equal((await store.getAdminAccount(b.adminId))?.disabledAt, null);
    assert.equal((await store.listAdminAccounts({ orgId: b.orgId })).length, 1);
    assert.equal(await store.countAudit({ orgId: b.orgId }), 0);
  });

  it('cannot filter its own audit log by another organization’s directory to see its events', async () => {
    await w.store.appendAudit({
      time: new Date(), kind: 'launch', orgId: b.orgId, directoryId: b.directoryId, connectionId: b.connectionId, partner: 'clever',
      subject: 's', email: 'secret@roosevelt.example', userId: null, productId: 'studio', decision: 'refused', reason: 'jit_disabled',
      requestId: null, actor: null, detail: null,
    });
    const page = await adminA.get(`/admin/orgs/${a.orgId}/audit?directoryId=${b.directoryId}`);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.body, /secret@roosevelt/);
    const csv = await adminA.get(`/admin/orgs/${a.orgId}/audit.csv?directoryId=${b.directoryId}`);
    assert.doesNotMatch(csv.body, /secret@roosevelt/);
  });

  it('lets the operator see both organizations', async () => {
    await w.account('operator@example.org', 'operator');
    const operator = await w.signedIn('operator@example.org');
    const home = await operator.get('/admin');
    assert.match(textOf(home.body), /Lincoln/);
    assert.match(textOf(home.body), /Roosevelt/);
    assert.equal((await operator.get(`/admin/directories/${b.directoryId}/settings`)).status, 200);
  });
});
