import assert from 'node:assert/strict';
import { seedOrg, startApi, type TestApi } from './support';

/** An organization admin must not see or touch another organization: every such id answers 404, like a missing one. */
describe('admin API: organization admin scoping', () => {
  let api: TestApi;
  let tokenA: string;
  let a: { orgId: string; directoryId: string };
  let b: { orgId: string; directoryId: string; domainId: string; connectionId: string; userId: string };

  before(async () => {
    api = await startApi();
    a = await seedOrg(api, 'Org A');
    const seededB = await seedOrg(api, 'Org B');
    await api.call('PUT', `/organizations/${seededB.orgId}/entitlements/studio`, { body: { seats: null } });
    await api.call('PUT', `/organizations/${a.orgId}/entitlements/studio`, { body: { seats: null } });
    const domain = await api.call('POST', `/directories/${seededB.directoryId}/domains`, { body: { name: 'b.example' } });
    const connection = await api.call('POST', `/directories/${seededB.directoryId}/connections`, { body: { partner: 'clever', districtId: 'district-b' } });
    const license = await api.call('POST', `/directories/${seededB.directoryId}/licenses`, { body: { email: 'bart@b.example', productId: 'studio' } });
    b = { ...seededB, domainId: domain.body.id, connectionId: connection.body.id, userId: license.body.user.id };
    tokenA = await api.orgAdminToken(a.orgId);
  });
  after(() => api?.close());

  it('sees its own organization and only it', async () => {
    const list = await api.call('GET', '/organizations', { token: tokenA });
    assert.deepEqual(
      list.body.items.map((o: { id: string }) => o.id),
      [a.orgId],
    );
    assert.equal((await api.call('GET', `/organizations/${a.orgId}`, { token: tokenA })).status, 200);
    assert.equal((await api.call('GET', `/organizations/${a.orgId}/entitlements`, { token: tokenA })).status, 200);
  });

  it('may manage its own directories, domains, connections and licenses', async () => {
    const dir = await api.call('POST', `/organizations/${a.orgId}/directories`, { token: tokenA, body: { name: 'A teachers' } });
    assert.equal(dir.status, 201);
    assert.equal((await api.call('PATCH', `/directories/${dir.body.id}`, { token: tokenA, body: { jitEnabled: true } })).status, 200);
    assert.equal((await api.call('POST', `/directories/${dir.body.id}/domains`, { token: tokenA, body: { name: 'a.example' } })).status, 201);
    assert.equal((await api.call('POST', `/directories/${dir.body.id}/connections`, { token: tokenA, body: { partner: 'classlink', tenantId: 'tenant-a' } })).status, 201);
    assert.equal((await api.call('POST', `/directories/${dir.body.id}/licenses`, { token: tokenA, body: { email: 'ann@a.example', productId: 'studio' } })).status, 201);
  });

  it('may not create organizations or set entitlements (403)', async () => {
    const create = await api.call('POST', '/organizations', { token: tokenA, body: { name: 'Mine now' } });
    assert.equal(create.status, 403);
    assert.equal(create.body.error.code, 'forbidden');
    assert.equal((await api.call('PUT', `/organizations/${a.orgId}/entitlements/studio`, { token: tokenA, body: { seats: 1000 } })).status, 403);
  });

  const attempts: Array<[string, string, () => string, unknown?]> = [
    ['GET', 'organization', () => `/organizations/${b.orgId}`],
    ['GET', 'entitlements', () => `/organizations/${b.orgId}/entitlements`],
    ['PUT', 'entitlement', () => `/organizations/${b.orgId}/entitlements/studio`, { seats: 1 }],
    ['GET', 'directories', () => `/organizations/${b.orgId}/directories`],
    ['POST', 'new directory', () => `/organizations/${b.orgId}/directories`, { name: 'Sneaky' }],
    ['GET', 'directory', () => `/directories/${b.directoryId}`],
    ['PATCH', 'directory', () => `/directories/${b.directoryId}`, { jitEnabled: true }],
    ['GET', 'domains', () => `/directories/${b.directoryId}/domains`],
    ['POST', 'new domain', () => `/directories/${b.directoryId}/domains`, { name: 'sneaky.example' }],
    ['GET', 'domain', () => `/domains/${b.domainId}`],
    ['POST', 'domain verification', () => `/domains/${b.domainId}/verify`],
    ['POST', 'domain operator verification', () => `/domains/${b.domainId}/operator-verify`],
    ['DELETE', 'domain', () => `/domains/${b.domainId}`],
    ['GET', 'connections', () => `/directories/${b.directoryId}/connections`],
    ['POST', 'new connection', () => `/directories/${b.directoryId}/connections`, { partner: 'clever', districtId: 'sneaky' }],
    ['GET', 'connection', () => `/connections/${b.connectionId}`],
    ['PATCH', 'connection', () => `/connections/${b.connectionId}`, { enabled: false }],
    ['DELETE', 'connection', () => `/connections/${b.connectionId}`],
    ['POST', 'connection link into its own directory', () => `/connections/${b.connectionId}/link`, { directoryId: 'set-below' }],
    ['GET', 'organization users', () => `/organizations/${b.orgId}/users`],
    ['GET', 'directory users', () => `/directories/${b.directoryId}/users`],
    ['GET', 'user', () => `/users/${b.userId}`],
    ['PATCH', 'user', () => `/users/${b.userId}`, { status: 'blocked' }],
    ['POST', 'license assignment', () => `/directories/${b.directoryId}/licenses`, { email: 'milhouse@b.example', productId: 'studio' }],
    ['DELETE', 'license', () => `/users/${b.userId}/licenses/studio`],
    ['GET', 'audit events', () => `/organizations/${b.orgId}/audit-events`],
  ];

  for (const [method, what, path, body] of attempts) {
    it(`answers 404 for ${method} of another organization's ${what}`, async () => {
      const payload = body && typeof body === 'object' && 'directoryId' in body ? { directoryId: a.directoryId } : body;
      const res = await api.call(method, path(), { token: tokenA, body: payload });
      assert.equal(res.status, 404, JSON.stringify(res.body));
      assert.equal(res.body.error.code, 'not_found');
    });
  }

  it('left every record of the other organization as it was', async () => {
    const domain = await api.call('GET', `/domains/${b.domainId}`);
    assert.equal(domain.status, 200);
    assert.equal(domain.body.status, 'pending');
    const connection = await api.call('GET', `/connections/${b.connectionId}`);
    assert.equal(connection.body.enabled, true);
    assert.equal(connection.body.orgId, b.orgId);
    const user = await api.call('GET', `/users/${b.userId}`);
    assert.equal(user.body.status, 'active');
    assert.equal(user.body.licenses.length, 1);
    assert.equal((await api.call('GET', `/directories/${b.directoryId}`)).body.jitEnabled, true);
    assert.equal((await api.call('GET', `/organizations/${b.orgId}/directories`)).body.items.length, 1);
    assert.equal((await api.call('GET', `/organizations/${b.orgId}/entitlements`)).body.items[0].seats, null);
  });

  it('does not list the other organization\'s linked connections', async () => {
    const res = await api.call('GET', '/connections', { token: tokenA });
    assert.ok(!res.body.items.some((c: { id: string }) => c.id === b.connectionId));
  });

  it('cannot reach another organization\'s events through the directory filter of its own', async () => {
    const res = await api.call('GET', `/organizations/${a.orgId}/audit-events?directoryId=${b.directoryId}`, { token: tokenA });
    assert.equal(res.status, 200);
    assert.equal(res.body.total, 0);
  });

  it('cannot link a pending connection into another organization\'s directory', async () => {
    const pending = await api.store.createConnection({
      status: 'pending',
      orgId: null,
      directoryId: null,
      settings: { partner: 'clever', districtId: 'pending-district' },
      enabled: true,
      trustEmail: false,
      label: null,
    });
    const res = await api.call('POST', `/connections/${pending.id}/link`, { token: tokenA, body: { directoryId: b.directoryId } });
    assert.equal(res.status, 404);
    assert.equal((await api.call('GET', `/connections/${pending.id}`)).body.status, 'pending');
  });
});
