/**
 * A launch that names a product LaunchGate does not serve is refused with product_unknown (404,
 * audited), never quietly sent to the default product; a launch naming none opens the default.
 */
import assert from 'node:assert/strict';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import { directPartner } from '../support/direct-partner';
import { linkConnection, seedTenant, startHarness, type Harness, type SeededTenant } from '../support/harness';

describe('server: a launch of a product that is not configured', () => {
  let h: Harness;
  let tenant: SeededTenant;

  before(async () => {
    h = await startHarness({ partners: () => [directPartner()] });
    tenant = await seedTenant(h.store, { jitEnabled: true, seats: 5 });
    await linkConnection(h.store, tenant, { partner: 'clever', districtId: 'district-p' });
  });
  after(() => h?.close());

  const identity = (subject: string): LaunchIdentity => ({
    partner: 'clever',
    tenant: { partner: 'clever', districtId: 'district-p' },
    subject,
    email: `${subject}@${tenant.domain}`,
    roles: ['student'],
    rawRoles: ['student'],
  });

  const launch = (body: object) =>
    fetch(`${h.baseUrl}/launch/direct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-product' },
      body: JSON.stringify(body),
      redirect: 'manual',
    });

  it('is refused with product_unknown and a clear 404 page, and nobody is created or licensed', async () => {
    const res = await launch({ identity: identity('ada'), productId: 'no-such-product' });
    assert.equal(res.status, 404);
    const page = await res.text();
    assert.match(page, /product_unknown/);
    assert.match(page, /not available here/);
    assert.match(page, /req-product/);
    assert.equal(res.headers.get('location'), null, 'no hand-off to the default product');
    assert.equal((await h.store.listUsers({ directoryId: tenant.directory.id }, { limit: 5, offset: 0 })).total, 0);
    assert.equal(await h.store.countLicenses(tenant.org.id, 'studio'), 0);
  });

  it('is audited in the tenant’s organization, with the product that was asked for', async () => {
    const audit = await h.store.listAudit({ orgId: tenant.org.id, reason: 'product_unknown' }, { limit: 5, offset: 0 });
    assert.equal(audit.total, 1);
    const event = audit.items[0]!;
    assert.equal(event.decision, 'refused');
    assert.equal(event.kind, 'launch');
    assert.equal(event.productId, 'no-such-product');
    assert.equal(event.subject, 'ada');
    assert.equal(event.directoryId, tenant.directory.id);
    assert.equal(event.requestId, 'req-product');
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    assert.match(metrics, /launchgate_launches_total\{partner="clever",decision="refused",reason="product_unknown"\} 1/);
  });

  it('a launch naming no product opens the default one, and one naming a configured product opens that', async () => {
    const none = await launch({ identity: identity('grace') });
    assert.equal(none.status, 303);
    assert.equal(new URL(none.headers.get('location')!).pathname, '/product/studio');
    const named = await launch({ identity: identity('alan'), productId: 'studio' });
    assert.equal(named.status, 303);
  });
});
