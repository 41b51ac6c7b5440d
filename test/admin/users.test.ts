import assert from 'node:assert/strict';
import { seedOrg, startApi, type TestApi } from './support';

describe('admin API: users and licenses', () => {
  let api: TestApi;
  let org: { orgId: string; directoryId: string };

  before(async () => {
    api = await startApi();
    org = await seedOrg(api, 'Springfield');
    await api.call('PUT', `/organizations/${org.orgId}/entitlements/studio`, { body: { seats: 2 } });
  });
  after(() => api?.close());

  const assign = (body: Record<string, unknown>, directoryId = org.directoryId) => api.call('POST', `/directories/${directoryId}/licenses`, { body });

  it('assigns a license by email, creating the user as an admin-created user', async () => {
    const res = await assign({ email: ' Edna.Krabappel@Springfield.example ', productId: 'studio', givenName: 'Edna', familyName: 'Krabappel' });
    assert.equal(res.status, 201);
    assert.equal(res.body.userCreated, true);
    assert.equal(res.body.licenseCreated, true);
    assert.equal(res.body.user.email, 'edna.krabappel@springfield.example');
    assert.equal(res.body.user.createdBy, 'admin');
    assert.equal(res.body.user.displayName, 'Edna Krabappel');
    assert.equal(res.body.license.source, 'admin');
    assert.equal(res.body.license.productId, 'studio');
  });

  it('assigning again to the same person answers 200 with the existing license', async () => {
    const res = await assign({ email: 'edna.krabappel@springfield.example', productId: 'studio' });
    assert.equal(res.status, 200);
    assert.equal(res.body.userCreated, false);
    assert.equal(res.body.licenseCreated, false);
  });

  it('enforces seats on manual assignment (409 no_seats) without creating the user', async () => {
    assert.equal((await assign({ email: 'seymour@springfield.example', productId: 'studio' })).status, 201);
    const res = await assign({ email: 'otto@springfield.example', productId: 'studio' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'no_seats');
    const users = await api.call('GET', `/directories/${org.directoryId}/users?search=otto`);
    assert.equal(users.body.total, 0);
  });

  it('refuses a product the organization has no entitlement for (409 no_entitlement)', async () => {
    const res = await assign({ email: 'willie@springfield.example', productId: 'notes' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'no_entitlement');
  });

  it('refuses a bad email and an unknown product', async () => {
    for (const email of ['not-an-email', 'a@', '@b.example', 'two@at@signs.example']) {
      const res = await assign({ email, productId: 'studio' });
      assert.equal(res.status, 400, email);
      assert.equal(res.body.error.field, 'email');
    }
    const product = await assign({ email: 'x@springfield.example', productId: 'nope' });
    assert.equal(product.status, 400);
    assert.equal(product.body.error.field, 'productId');
  });

  it('lists users per directory and per organization with search and paging', async () => {
    const byDirectory = await api.call('GET', `/directories/${org.directoryId}/users?limit=1&offset=0`);
    assert.equal(byDirectory.status, 200);
    assert.equal(byDirectory.body.items.length, 1);
    assert.equal(byDirectory.body.total, 2);
    assert.equal(byDirectory.body.limit, 1);
    const searched = await api.call('GET', `/organizations/${org.orgId}/users?search=EDNA`);
    assert.deepEqual(
      searched.body.items.map((u: { email: string }) => u.email),
      ['edna.krabappel@springfield.example'],
    );
    const second = await api.call('GET', `/organizations/${org.orgId}/users?limit=1&offset=1`);
    assert.equal(second.body.items.length, 1);
    assert.notEqual(second.body.items[0].id, byDirectory.body.items[0].id);
  });

  it('reads a user with external identities and licenses', async () => {
    const connection = await api.call('POST', `/directories/${org.directoryId}/connections`, { body: { partner: 'clever', districtId: 'springfield' } });
    const created = await api.store.createUser(
      {
        orgId: org.orgId,
        directoryId: org.directoryId,
        email: 'lisa@springfield.example',
        givenName: 'Lisa',
        familyName: 'Simpson',
        displayName: 'Lisa Simpson',
        roles: ['student'],
        rawRoles: ['student'],
        createdBy: 'jit',
        lastLaunchAt: new Date(),
      },
      { connectionId: connection.body.id, partner: 'clever', subject: 'clever-lisa' },
    );
    const res = await api.call('GET', `/users/${created.user.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.email, 'lisa@springfield.example');
    assert.deepEqual(
      res.body.externalIdentities.map((i: { partner: string; subject: string }) => [i.partner, i.subject]),
      [['clever', 'clever-lisa']],
    );
    assert.deepEqual(res.body.licenses, []);
  });

  it('enforces seats for a user who already exists in the directory', async () => {
    const res = await assign({ email: 'lisa@springfield.example', productId: 'studio' });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'no_seats');
  });

  it('blocks and unblocks a user', async () => {
    const target = await assign({ email: 'edna.krabappel@springfield.example', productId: 'studio' });
    const id: string = target.body.user.id;
    const blocked = await api.call('PATCH', `/users/${id}`, { body: { status: 'blocked' } });
    assert.equal(blocked.status, 200);
    assert.equal(blocked.body.status, 'blocked');
    const unblocked = await api.call('PATCH', `/users/${id}`, { body: { status: 'active' } });
    assert.equal(unblocked.body.status, 'active');
    const bad = await api.call('PATCH', `/users/${id}`, { body: { status: 'deleted' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'status');
  });

  it('revokes a license, freeing the seat', async () => {
    const seymour = await assign({ email: 'seymour@springfield.example', productId: 'studio' });
    const id: string = seymour.body.user.id;
    assert.equal((await api.call('DELETE', `/users/${id}/licenses/studio`)).status, 204);
    assert.equal((await api.call('DELETE', `/users/${id}/licenses/studio`)).status, 404);
    assert.deepEqual((await api.call('GET', `/users/${id}`)).body.licenses, []);
    assert.equal((await assign({ email: 'otto@springfield.example', productId: 'studio' })).status, 201);
  });

  it('answers 404 for unknown users and directories', async () => {
    assert.equal((await api.call('GET', '/users/missing')).status, 404);
    assert.equal((await api.call('PATCH', '/users/missing', { body: { status: 'blocked' } })).status, 404);
    assert.equal((await api.call('DELETE', '/users/missing/licenses/studio')).status, 404);
    assert.equal((await assign({ email: 'a@b.example', productId: 'studio' }, 'missing')).status, 404);
    assert.equal((await api.call('GET', '/directories/missing/users')).status, 404);
  });
});
