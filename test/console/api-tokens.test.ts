import assert from 'node:assert/strict';
import { startApi, seedOrg, type TestApi } from '../admin/support';

/** Organization API tokens through the admin API: created and listed per organization, shown once, stored hashed, scoped. */
describe('admin API: organization API tokens', () => {
  let api: TestApi;
  let a: { orgId: string; directoryId: string };
  let b: { orgId: string; directoryId: string };
  let tokenA: string;

  before(async () => {
    api = await startApi();
    a = await seedOrg(api, 'Org A');
    b = await seedOrg(api, 'Org B');
    tokenA = await api.orgAdminToken(a.orgId);
  });
  after(() => api?.close());

  it('creates a token once-visible, stores only its hash, and lists it without the secret', async () => {
    const res = await api.call('POST', `/organizations/${a.orgId}/api-tokens`, { body: { name: 'SIS sync' } });
    assert.equal(res.status, 201);
    assert.match(res.body.token, /^lg_[A-Za-z0-9_-]{43}$/);
    assert.equal(res.body.role, 'org_admin');
    assert.equal(res.body.orgId, a.orgId);
    assert.equal(res.body.tokenHash, undefined);
    const list = await api.call('GET', `/organizations/${a.orgId}/api-tokens`);
    const listed = list.body.items.find((t: { id: string }) => t.id === res.body.id);
    assert.equal(listed.name, 'SIS sync');
    assert.equal(listed.token, undefined);
    assert.equal(listed.tokenHash, undefined);
    assert.ok(!JSON.stringify(list.body).includes(res.body.token));
    const stored = (await api.store.listApiTokens({ orgId: a.orgId })).find((t) => t.id === res.body.id)!;
    assert.notEqual(stored.tokenHash, res.body.token);
    assert.equal((await api.store.listAudit({ orgId: a.orgId, reason: 'api_token.created' }, { limit: 5, offset: 0 })).total, 1);
  });

  it('gives the new token its organization’s scope only', async () => {
    const created = await api.call('POST', `/organizations/${a.orgId}/api-tokens`, { token: tokenA, body: { name: 'made by an org admin' } });
    assert.equal(created.status, 201);
    const token = created.body.token as string;
    assert.equal((await api.call('GET', `/directories/${a.directoryId}`, { token })).status, 200);
    assert.equal((await api.call('GET', `/directories/${b.directoryId}`, { token })).status, 404);
    assert.equal((await api.call('POST', '/organizations', { token, body: { name: 'No' } })).status, 403);
  });

  it('answers 404 for another organization’s tokens: list, create and revoke', async () => {
    const theirs = await api.call('POST', `/organizations/${b.orgId}/api-tokens`, { body: { name: 'B sync' } });
    assert.equal((await api.call('GET', `/organizations/${b.orgId}/api-tokens`, { token: tokenA })).status, 404);
    assert.equal((await api.call('POST', `/organizations/${b.orgId}/api-tokens`, { token: tokenA, body: { name: 'x' } })).status, 404);
    const revoke = await api.call('DELETE', `/api-tokens/${theirs.body.id}`, { token: tokenA });
    assert.equal(revoke.status, 404);
    assert.equal((await api.call('GET', `/organizations/${b.orgId}/directories`, { token: theirs.body.token })).status, 200, 'still works');
  });

  it('revokes a token: it stops working at once', async () => {
    const created = await api.call('POST', `/organizations/${a.orgId}/api-tokens`, { body: { name: 'short-lived' } });
    assert.equal((await api.call('DELETE', `/api-tokens/${created.body.id}`, { token: tokenA })).status, 204);
    assert.equal((await api.call('GET', `/organizations/${a.orgId}`, { token: created.body.token })).status, 401);
    const list = await api.call('GET', `/organizations/${a.orgId}/api-tokens`);
    assert.ok(list.body.items.find((t: { id: string }) => t.id === created.body.id).revokedAt);
  });

  it('validates the name and refuses unknown fields', async () => {
    const empty = await api.call('POST', `/organizations/${a.orgId}/api-tokens`, { body: { name: '' } });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.field, 'name');
    const extra = await api.call('POST', `/organizations/${a.orgId}/api-tokens`, { body: { name: 'x', role: 'operator' } });
    assert.equal(extra.status, 400);
  });
});
