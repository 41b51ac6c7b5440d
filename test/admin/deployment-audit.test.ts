/**
 * GET /api/v1/audit-events: the operator's log across organizations. Refusals of tenants nobody
 * linked are stored without an organization, so this is the only place they can be read; an
 * organization admin may not read it at all.
 */
import assert from 'node:assert/strict';
import { generateToken, hashToken } from '../../src/admin/auth';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import type { AuditEvent } from '../../src/store/model';
import { directPartner } from '../support/direct-partner';
import { linkConnection, seedTenant, startHarness, type Harness, type SeededTenant } from '../support/harness';

describe('admin API: the operator’s audit log across organizations', () => {
  let h: Harness;
  let tenant: SeededTenant;
  let orgAdminToken: string;

  const identity = (districtId: string, subject: string, email: string): LaunchIdentity => ({
    partner: 'clever',
    tenant: { partner: 'clever', districtId },
    subject,
    email,
    roles: ['student'],
    rawRoles: ['student'],
  });

  const launch = (body: object) =>
    fetch(`${h.baseUrl}/launch/direct`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), redirect: 'manual' });

  async function get(path: string, token: string | null = h.operatorToken) {
    const res = await fetch(`${h.baseUrl}/api/v1${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return { status: res.status, body: (await res.json()) as any };
  }

  before(async () => {
    h = await startHarness({ partners: () => [directPartner()] });
    tenant = await seedTenant(h.store, { jitEnabled: true, seats: 5 });
    await linkConnection(h.store, tenant, { partner: 'clever', districtId: 'linked-district' });
    orgAdminToken = generateToken();
    await h.store.createApiToken({ name: 'org admin', role: 'org_admin', orgId: tenant.org.id, tokenHash: hashToken(orgAdminToken) });

    assert.equal((await launch({ identity: identity('linked-district', 'ada', `ada@${tenant.domain}`) })).status, 303);
    // A district nobody linked, and a protocol failure before any tenant was known.
    assert.equal((await launch({ identity: identity('nobody-linked-this', 'mallory', `mallory@${tenant.domain}`) })).status, 403);
    assert.equal((await launch({ fail: 'state_unknown' })).status, 400);
  });
  after(() => h?.close());

  it('the operator sees an unlinked tenant’s refusal with org=none, and only events of no organization', async () => {
    const none = await get('/audit-events?org=none');
    assert.equal(none.status, 200);
    assert.deepEqual(
      none.body.items.map((e: AuditEvent) => e.reason),
      ['launch_invalid', 'connection_not_linked'],
    );
    assert.ok(none.body.items.every((e: AuditEvent) => e.orgId === null));
    const refusal = none.body.items[1] as AuditEvent;
    assert.equal(refusal.subject, 'mallory');
    assert.equal(refusal.decision, 'refused');
    assert.equal(none.body.total, 2);
  });

  it('takes the same filters as an organization’s log', async () => {
    const byReason = await get('/audit-events?org=none&reason=connection_not_linked&partner=clever&kind=launch&decision=refused');
    assert.equal(byReason.body.total, 1);
    assert.equal((await get('/audit-events?org=none&since=2999-01-01')).body.total, 0);
    const bad = await get('/audit-events?org=none&since=2026-02-01&until=2026-01-01');
    assert.equal(bad.status, 400);
    assert.equal((await get('/audit-events?org=none&color=red')).status, 400, 'unknown filters are refused, as everywhere');
  });

  it('without org lists every event; with an organization id, that organization’s only', async () => {
    const all = await get('/audit-events');
    assert.deepEqual(new Set(all.body.items.map((e: AuditEvent) => e.orgId)), new Set([null, tenant.org.id]));
    const one = await get(`/audit-events?org=${tenant.org.id}`);
    assert.deepEqual(
      one.body.items.map((e: AuditEvent) => e.reason),
      ['user_created'],
    );
  });

  it('is why the endpoint exists: no organization’s own log has the unlinked tenant’s refusal', async () => {
    const own = await get(`/organizations/${tenant.org.id}/audit-events?reason=connection_not_linked`);
    assert.equal(own.body.total, 0);
  });

  it('an organization admin token cannot use it, with or without an org filter (403, as other operator-only routes)', async () => {
    for (const path of ['/audit-events', '/audit-events?org=none', `/audit-events?org=${tenant.org.id}`]) {
      const res = await get(path, orgAdminToken);
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.code, 'forbidden');
      assert.equal(JSON.stringify(res.body).includes('mallory'), false);
    }
    assert.equal((await get('/audit-events?org=none', null)).status, 401);
  });

  it('accepts organization.seeded as a reason filter (scripts/seed.ts writes it)', async () => {
    assert.equal((await get('/audit-events?reason=organization.seeded')).status, 200);
    assert.equal((await get(`/organizations/${tenant.org.id}/audit-events?reason=organization.seeded`)).status, 200);
  });
});
