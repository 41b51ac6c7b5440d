import assert from 'node:assert/strict';
import { startApi, type TestApi } from './support';

describe('admin API: organizations, entitlements and directories', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api?.close());

  it('lists the configured products', async () => {
    const res = await api.call('GET', '/products');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.items.map((p: { id: string }) => p.id),
      ['studio', 'notes'],
    );
  });

  it('creates, lists and reads organizations', async () => {
    const created = await api.call('POST', '/organizations', { body: { name: '  Springfield District  ' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.name, 'Springfield District');
    const list = await api.call('GET', '/organizations');
    assert.ok(list.body.items.some((o: { id: string }) => o.id === created.body.id));
    const one = await api.call('GET', `/organizations/${created.body.id}`);
    assert.equal(one.status, 200);
    assert.equal(one.body.name, 'Springfield District');
  });

  it('answers 404 JSON for an unknown organization', async () => {
    const res = await api.call('GET', '/organizations/no-such-org');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
  });

  it('sets entitlements and reports seats used', async () => {
    const org = await api.call('POST', '/organizations', { body: { name: 'Shelbyville' } });
    const put = await api.call('PUT', `/organizations/${org.body.id}/entitlements/studio`, { body: { seats: 10 } });
    assert.equal(put.status, 200);
    assert.equal(put.body.seats, 10);
    assert.equal(put.body.seatsUsed, 0);
    assert.equal(put.body.productName, 'Studio');
    const unlimited = await api.call('PUT', `/organizations/${org.body.id}/entitlements/notes`, { body: { seats: null } });
    assert.equal(unlimited.body.seats, null);
    const list = await api.call('GET', `/organizations/${org.body.id}/entitlements`);
    assert.deepEqual(
      list.body.items.map((e: { productId: string; seats: number | null }) => [e.productId, e.seats]).sort(),
      [
        ['notes', null],
        ['studio', 10],
      ],
    );
  });

  it('refuses entitlements for an unknown product, negative or fractional seats, or a missing seats field', async () => {
    const org = await api.call('POST', '/organizations', { body: { name: 'Capital City' } });
    const base = `/organizations/${org.body.id}/entitlements`;
    assert.equal((await api.call('PUT', `${base}/nope`, { body: { seats: 1 } })).status, 404);
    const negative = await api.call('PUT', `${base}/studio`, { body: { seats: -1 } });
    assert.equal(negative.status, 400);
    assert.equal(negative.body.error.field, 'seats');
    assert.equal((await api.call('PUT', `${base}/studio`, { body: { seats: 1.5 } })).status, 400);
    assert.equal((await api.call('PUT', `${base}/studio`, { body: { seats: '5' } })).status, 400);
    const missing = await api.call('PUT', `${base}/studio`, { body: {} });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.field, 'seats');
  });

  it('creates directories with JIT off by default, lists them, and updates name and JIT', async () => {
    const org = await api.call('POST', '/organizations', { body: { name: 'Ogdenville' } });
    const created = await api.call('POST', `/organizations/${org.body.id}/directories`, { body: { name: 'Students' } });
    assert.equal(created.status, 201);
    assert.equal(created.body.jitEnabled, false);
    assert.equal(created.body.orgId, org.body.id);
    const list = await api.call('GET', `/organizations/${org.body.id}/directories`);
    assert.deepEqual(
      list.body.items.map((d: { id: string }) => d.id),
      [created.body.id],
    );
    const patched = await api.call('PATCH', `/directories/${created.body.id}`, { body: { jitEnabled: true, name: 'All students' } });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.jitEnabled, true);
    assert.equal(patched.body.name, 'All students');
    const read = await api.call('GET', `/directories/${created.body.id}`);
    assert.equal(read.body.jitEnabled, true);
  });

  it('refuses an empty directory patch and unknown directories', async () => {
    const org = await api.call('POST', '/organizations', { body: { name: 'North Haverbrook' } });
    const dir = await api.call('POST', `/organizations/${org.body.id}/directories`, { body: { name: 'Staff' } });
    assert.equal((await api.call('PATCH', `/directories/${dir.body.id}`, { body: {} })).status, 400);
    assert.equal((await api.call('GET', '/directories/missing')).status, 404);
    assert.equal((await api.call('PATCH', '/directories/missing', { body: { jitEnabled: true } })).status, 404);
    assert.equal((await api.call('POST', '/organizations/missing/directories', { body: { name: 'X' } })).status, 404);
  });
});
