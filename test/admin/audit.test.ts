import assert from 'node:assert/strict';
import type { AuditEvent } from '../../src/store/model';
import { startApi, type TestApi } from './support';

describe('admin API: audit events', () => {
  let api: TestApi;
  let orgId: string;
  let directoryId: string;
  let events: AuditEvent[];
  const REQUEST_ID = 'req-audit-1';
  const published = new Map<string, string[][]>();

  before(async () => {
    // A clock that ticks a second per call keeps "newest first" unambiguous.
    let t = Date.parse('2025-03-01T00:00:00Z');
    api = await startApi({
      now: () => new Date((t += 1000)),
      resolveTxt: async (name) => published.get(name) ?? [],
    });
    const h = { 'x-request-id': REQUEST_ID };
    const org = await api.call('POST', '/organizations', { body: { name: 'Audited' }, headers: h });
    orgId = org.body.id;
    await api.call('PUT', `/organizations/${orgId}/entitlements/studio`, { body: { seats: 5 }, headers: h });
    const dir = await api.call('POST', `/organizations/${orgId}/directories`, { body: { name: 'Staff' }, headers: h });
    directoryId = dir.body.id;
    await api.call('PATCH', `/directories/${directoryId}`, { body: { jitEnabled: true }, headers: h });
    const domain = await api.call('POST', `/directories/${directoryId}/domains`, { body: { name: 'audited.example' }, headers: h });
    await api.call('POST', `/domains/${domain.body.id}/operator-verify`, { headers: h });
    const other = await api.call('POST', `/directories/${directoryId}/domains`, { body: { name: 'removed.example' }, headers: h });
    await api.call('DELETE', `/domains/${other.body.id}`, { headers: h });
    const connection = await api.call('POST', `/directories/${directoryId}/connections`, { body: { partner: 'clever', districtId: 'aud' }, headers: h });
    await api.call('PATCH', `/connections/${connection.body.id}`, { body: { trustEmail: false }, headers: h });
    await api.call('DELETE', `/connections/${connection.body.id}`, { headers: h });
    const license = await api.call('POST', `/directories/${directoryId}/licenses`, { body: { email: 'ann@audited.example', productId: 'studio' }, headers: h });
    const userId: string = license.body.user.id;
    await api.call('PATCH', `/users/${userId}`, { body: { status: 'blocked' }, headers: h });
    await api.call('PATCH', `/users/${userId}`, { body: { status: 'active' }, headers: h });
    await api.call('DELETE', `/users/${userId}/licenses/studio`, { headers: h });
    const list = await api.call('GET', `/organizations/${orgId}/audit-events?limit=200`);
    assert.equal(list.status, 200);
    events = list.body.items;
  });
  after(() => api?.close());

  it('records every admin change with its action, newest first', () => {
    assert.deepEqual(
      events.map((e) => e.reason),
      [
        'license.revoked',
        'user.unblocked',
        'user.blocked',
        'license.assigned',
        'connection.unlinked',
        'connection.updated',
        'connection.linked',
        'domain.removed',
        'domain.claimed',
        'domain.verified',
        'domain.claimed',
        'directory.updated',
        'directory.created',
        'entitlement.set',
        'organization.created',
      ],
    );
  });

  it('names the actor and the request, and has no launch decision', async () => {
    const operator = await api.store.listApiTokens({ role: 'operator' });
    for (const event of events) {
      assert.equal(event.kind, 'admin');
      assert.equal(event.decision, null);
      assert.equal(event.requestId, REQUEST_ID);
      assert.equal(event.actor, `token:${operator[0]!.id}`);
      assert.equal(event.orgId, orgId);
    }
  });

  it('keeps the details an auditor needs', () => {
    const byReason = (reason: string) => events.find((e) => e.reason === reason)!;
    assert.deepEqual(byReason('directory.updated').detail, { jitEnabled: { from: false, to: true } });
    assert.deepEqual(byReason('domain.verified').detail, { domain: 'audited.example', method: 'operator' });
    assert.deepEqual(byReason('entitlement.set').detail, { seats: { from: 'none', to: 5 } });
    assert.deepEqual(byReason('connection.updated').detail, { trustEmail: { from: true, to: false } });
    assert.equal(byReason('license.assigned').productId, 'studio');
    assert.equal(byReason('license.assigned').email, 'ann@audited.example');
    assert.equal(byReason('connection.linked').partner, 'clever');
  });

  it('filters by kind, reason, directory and time, and pages with a total', async () => {
    const base = `/organizations/${orgId}/audit-events`;
    const domains = await api.call('GET', `${base}?reason=domain.claimed`);
    assert.equal(domains.body.total, 2);
    assert.ok(domains.body.items.every((e: AuditEvent) => e.reason === 'domain.claimed'));
    assert.equal((await api.call('GET', `${base}?kind=launch`)).body.total, 0);
    assert.equal((await api.call('GET', `${base}?kind=admin&directoryId=${directoryId}`)).body.total, 13);
    const page = await api.call('GET', `${base}?limit=2&offset=1`);
    assert.equal(page.body.total, 15);
    assert.deepEqual(
      page.body.items.map((e: AuditEvent) => e.reason),
      ['user.unblocked', 'user.blocked'],
    );
    const oldest = events[events.length - 1]!;
    const from = new Date(oldest.time);
    const window = `since=${encodeURIComponent(from.toISOString())}&until=${encodeURIComponent(new Date(from.getTime() + 1000).toISOString())}`;
    const first = await api.call('GET', `${base}?${window}`);
    assert.deepEqual(
      first.body.items.map((e: AuditEvent) => e.reason),
      ['organization.created'],
    );
    assert.equal((await api.call('GET', `${base}?since=2030-01-01`)).body.total, 0);
  });

  it('records a DNS verification as method dns, and nothing for a check that did not match', async () => {
    const claim = await api.call('POST', `/directories/${directoryId}/domains`, { body: { name: 'dns.example' } });
    const miss = await api.call('POST', `/domains/${claim.body.id}/verify`);
    assert.equal(miss.body.check.matched, false);
    const base = `/organizations/${orgId}/audit-events?reason=domain.verified`;
    assert.equal((await api.call('GET', base)).body.total, 1);
    published.set(claim.body.dnsRecord.name, [[claim.body.dnsRecord.value]]);
    const hit = await api.call('POST', `/domains/${claim.body.id}/verify`);
    assert.equal(hit.body.check.matched, true);
    const after = await api.call('GET', base);
    assert.equal(after.body.total, 2);
    assert.deepEqual(after.body.items[0].detail, { domain: 'dns.example', method: 'dns' });
  });
});
