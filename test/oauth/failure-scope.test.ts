/**
 * A launch that fails before a decision still belongs to someone: when the partner (or the start
 * link) named the tenant first, the audit event lands in that organization's log, read here through
 * the admin API as the school's admin would. And a store that fails while a flow starts or a code is
 * claimed ends in the store_error page with an audit event, never the generic 500.
 */
import assert from 'node:assert/strict';
import { cleverPartner } from '../../partners/clever';
import { classlinkPartner } from '../../partners/classlink';
import type { AuditEvent } from '../../src/store/model';
import type { EphemeralStore } from '../../src/store/port';
import type { PartnerModule } from '../../src/server/partner-module';
import { TestClient } from '../support/client';
import { linkConnection, seedTenant, startHarness, type Harness, type SeededTenant } from '../support/harness';
import { CLEVER, type Sims } from './partners-under-test';
import { assertRefused, latestLaunchAudit, startSimulators } from './world';

/** The org's launch audit events, newest first, as GET /api/v1/organizations/{orgId}/audit-events answers them. */
async function orgLaunchEvents(h: Harness, orgId: string): Promise<AuditEvent[]> {
  const res = await fetch(`${h.baseUrl}/api/v1/organizations/${orgId}/audit-events?kind=launch&limit=50`, {
    headers: { authorization: `Bearer ${h.operatorToken}` },
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: AuditEvent[] }).items;
}

/** An ephemeral store whose writes to some namespaces fail, as a store that went away would. */
function failingWrites(inner: EphemeralStore, failing: (namespace: string) => boolean): EphemeralStore {
  const refuse = (namespace: string) => {
    if (failing(namespace)) throw new Error('SQLITE_BUSY: database is locked (simulated)');
  };
  return {
    putIfAbsent: async (namespace, key, value, expiresAt) => {
      refuse(namespace);
      return inner.putIfAbsent(namespace, key, value, expiresAt);
    },
    put: async (namespace, key, value, expiresAt) => {
      refuse(namespace);
      return inner.put(namespace, key, value, expiresAt);
    },
    get: (namespace, key) => inner.get(namespace, key),
    consume: (namespace, key) => inner.consume(namespace, key),
    delete: (namespace, key) => inner.delete(namespace, key),
    purgeExpired: (now) => inner.purgeExpired(now),
  };
}

/** The partner module as the app mounts it, but seeing `ephemeral` through `wrap`. */
function withEphemeral(module: PartnerModule, wrap: (inner: EphemeralStore) => EphemeralStore): PartnerModule {
  return {
    name: module.name,
    mount: (app, ctx) => module.mount(app, { ...ctx, ephemeral: wrap(ctx.ephemeral) }),
    close: () => module.close?.() ?? Promise.resolve(),
  };
}

describe('OAuth launch failures reach the right audit log', function () {
  let sims: Sims;
  let h: Harness;
  let school: SeededTenant;
  let other: SeededTenant;
  let district: string;
  let failNamespace: string | null = null;

  before(async () => {
    sims = await startSimulators();
    h = await startHarness({
      env: { ...sims.clever.env(), ...sims.classlink.env() },
      partners: ({ config }) => [
        withEphemeral(cleverPartner(config.clever, { timeoutMs: 400 }), (inner) => failingWrites(inner, (ns) => ns === failNamespace)),
        classlinkPartner(config.classlink, { timeoutMs: 400 }),
      ],
    });
    sims.clever.addRedirectUri(`${h.baseUrl}/auth/clever/callback`);
    school = await seedTenant(h.store, { orgName: 'Lincoln Unified' });
    other = await seedTenant(h.store, { orgName: 'Somewhere Else' });
    const t = CLEVER.newTenant(sims);
    district = t.tenant;
    await linkConnection(h.store, school, t.settings);
  });
  after(async () => {
    await h.close();
    await sims.clever.stop();
    await sims.classlink.stop();
  });
  beforeEach(() => {
    failNamespace = null;
    sims.clever.clearFaults();
    sims.clever.signOutEverywhere();
  });

  const student = () => {
    const id = CLEVER.addUser(sims, district, { email: `kid${Math.random().toString(36).slice(2, 8)}@${school.domain}` });
    sims.clever.signIn(id);
    return id;
  };

  it('a Clever /v3.0/users/{id} failure after /v3.0/me shows in that district’s organization audit log, and no other', async () => {
    const subject = student();
    sims.clever.setFaults({ userInfo: 'error_500', userInfoPath: '/v3.0/users/' });
    assertRefused(await new TestClient().follow(`${h.baseUrl}/auth/clever`), 'partner_error', 502);

    const [event] = await orgLaunchEvents(h, school.org.id);
    assert.ok(event, 'the organization sees the failed launch');
    assert.equal(event.reason, 'partner_error');
    assert.equal(event.partner, 'clever');
    assert.equal(event.subject, subject);
    assert.equal(event.directoryId, school.directory.id);
    assert.ok(event.connectionId, 'the connection is named');
    assert.equal(event.detail?.check, 'userinfo_endpoint_500');
    assert.equal(event.detail?.tenant, `Clever district ${district}`);
    assert.ok(!String(event.detail?.cause).includes('hint'), 'Clever named the district; no hint involved');
    assert.deepEqual(await orgLaunchEvents(h, other.org.id), [], 'another organization sees nothing of it');
  });

  it('a Clever user record that lacks fields after /v3.0/me is recorded for the district too', async () => {
    student();
    sims.clever.setFaults({ userInfo: 'missing_fields', userInfoPath: '/v3.0/users/' });
    assertRefused(await new TestClient().follow(`${h.baseUrl}/auth/clever`), 'partner_error', 502);
    const [event] = await orgLaunchEvents(h, school.org.id);
    assert.equal(event?.detail?.check, 'userinfo_incomplete');
    assert.equal(event?.directoryId, school.directory.id);
  });

  it('a token failure on a start link with a district_id hint is recorded for that district, marked as a hint', async () => {
    student();
    sims.clever.setFaults({ token: 'error_500' });
    assertRefused(await new TestClient().follow(`${h.baseUrl}/auth/clever?district_id=${district}`), 'partner_error', 502);
    const [event] = await orgLaunchEvents(h, school.org.id);
    assert.equal(event?.detail?.check, 'token_endpoint_500');
    assert.equal(event?.directoryId, school.directory.id);
    assert.match(String(event?.detail?.cause), /hint, not confirmed by Clever/);
    assert.equal(event?.subject, null, 'nobody is named before Clever answers');
  });

  it('without a hint, a token failure names no tenant and stays out of every organization’s log', async () => {
    student();
    sims.clever.setFaults({ token: 'error_500' });
    const before = (await orgLaunchEvents(h, school.org.id)).length;
    assertRefused(await new TestClient().follow(`${h.baseUrl}/auth/clever`), 'partner_error', 502);
    assert.equal((await orgLaunchEvents(h, school.org.id)).length, before);
    const event = await latestLaunchAudit(h.store);
    assert.equal(event.detail?.check, 'token_endpoint_500');
    assert.equal(event.orgId, null);
  });

  it('a store failure while starting a flow ends in the store_error page and an audit event, not a 500', async () => {
    failNamespace = 'oauth-flow:clever';
    const authorizeBefore = sims.clever.counters.authorizeRequests;
    const hops = await new TestClient().follow(`${h.baseUrl}/auth/clever?district_id=${district}`);
    const end = assertRefused(hops, 'store_error', 503);
    assert.match(end.body, /Something went wrong on our side/);
    assert.ok(!end.body.includes('SQLITE_BUSY'), 'the store’s own error stays in the log');
    assert.equal(sims.clever.counters.authorizeRequests, authorizeBefore, 'the browser was not sent to Clever without a flow');
    const event = await latestLaunchAudit(h.store);
    assert.equal(event.reason, 'store_error');
    assert.equal(event.partner, 'clever');
    assert.equal(event.detail?.check, 'flow_store_failed');
    assert.equal(event.orgId, school.org.id, 'the hinted district’s organization sees it');
  });

  it('a store that cannot record a code as used never sends the code to the partner', async () => {
    student();
    failNamespace = 'oauth-code:clever';
    const tokensBefore = sims.clever.counters.tokenRequests;
    assertRefused(await new TestClient().follow(`${h.baseUrl}/auth/clever`), 'store_error', 503);
    assert.equal(sims.clever.counters.tokenRequests, tokensBefore);
    assert.equal((await latestLaunchAudit(h.store)).detail?.check, 'code_store_failed');
  });

  it('a store failure counting a portal launch’s re-authorization ends in store_error too', async () => {
    const subject = student();
    failNamespace = 'oauth-reauth:clever';
    assertRefused(await new TestClient().follow(sims.clever.portalLaunchUrl(subject)), 'store_error', 503);
    assert.equal((await latestLaunchAudit(h.store)).detail?.check, 'reauth_store_failed');
  });
});
