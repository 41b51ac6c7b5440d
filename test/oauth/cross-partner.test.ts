/**
 * Promises that span both OAuth partners or several LaunchGate processes: one person arriving from
 * Clever and ClassLink, a new login on a shared device, a flow finished by another process, and a
 * partner that is switched off.
 */
import assert from 'node:assert/strict';
import { cleverPartner } from '../../partners/clever';
import { classlinkPartner } from '../../partners/classlink';
import { TestClient } from '../support/client';
import { linkConnection, seedTenant, type SeededTenant } from '../support/harness';
import { startInstance } from './instance';
import { assertProductPage, assertRefused, followUntilCallback, latestLaunchAudit, startOAuthWorld, type OAuthWorld } from './world';

describe('Clever and ClassLink together', function () {
  let w: OAuthWorld;
  before(async () => {
    w = await startOAuthWorld();
  });
  after(async () => w.close());
  beforeEach(() => {
    w.browser = new TestClient();
    w.clever.signOutEverywhere();
    w.classlink.signOutEverywhere();
  });

  /** One directory with a Clever district and a ClassLink tenant linked to it, and one person in both. */
  async function samePersonInBoth(classlinkTrustsEmail: boolean) {
    const school: SeededTenant = await seedTenant(w.h.store);
    const district = w.clever.addDistrict();
    const tenantId = 900 + Math.floor(Math.random() * 100_000);
    await linkConnection(w.h.store, school, { partner: 'clever', districtId: district.id }, { trustEmail: true });
    await linkConnection(w.h.store, school, { partner: 'classlink', tenantId: String(tenantId) }, { trustEmail: classlinkTrustsEmail });
    const email = `mary.jackson@${school.domain}`;
    const cleverUser = w.clever.addUser({ district: district.id, email, roles: { teacher: {} }, name: { first: 'Mary', last: 'Jackson' } });
    const classlinkUser = w.classlink.addUser({ TenantId: tenantId, Email: email.toUpperCase(), Role: 'Teacher', FirstName: 'Mary', LastName: 'Jackson' });
    return { school, email, cleverUser, classlinkUser };
  }

  it('the same person from Clever and then ClassLink is one user when both connections trust email', async () => {
    const { school, email, cleverUser, classlinkUser } = await samePersonInBoth(true);
    w.clever.signIn(cleverUser.id);
    assertProductPage(await w.browser.follow(`${w.h.baseUrl}/auth/clever`));
    w.classlink.signIn(classlinkUser.id);
    const end = assertProductPage(await w.browser.follow(`${w.h.baseUrl}/auth/classlink`));
    assert.match(end.body, /data-testid="access">existing_license</);

    const users = await w.h.store.listUsers({ directoryId: school.directory.id }, { limit: 10, offset: 0 });
    assert.equal(users.total, 1);
    const identities = await w.h.store.listExternalIdentities(users.items[0]!.id);
    assert.deepEqual(identities.map((i) => [i.partner, i.subject]).sort(), [['classlink', classlinkUser.id], ['clever', cleverUser.id]]);
    assert.equal(users.items[0]!.email, email);
  });

  it('they are kept apart when the ClassLink connection does not trust email', async () => {
    const { school, cleverUser, classlinkUser } = await samePersonInBoth(false);
    w.clever.signIn(cleverUser.id);
    assertProductPage(await w.browser.follow(`${w.h.baseUrl}/auth/clever`));
    w.classlink.signIn(classlinkUser.id);
    assertProductPage(await w.browser.follow(`${w.h.baseUrl}/auth/classlink`));

    const users = await w.h.store.listUsers({ directoryId: school.directory.id }, { limit: 10, offset: 0 });
    assert.equal(users.total, 2);
    const byPartner = await Promise.all(users.items.map(async (u) => [(await w.h.store.listExternalIdentities(u.id)).map((i) => i.partner), u.email] as const));
    assert.deepEqual(
      byPartner.map(([partners, email]) => [partners.join(), email === null ? 'no email' : 'email']).sort(),
      [['classlink', 'no email'], ['clever', 'email']],
    );
  });

  it('a new login on a shared device replaces the flow the previous user left unfinished', async () => {
    const school = await seedTenant(w.h.store);
    const district = w.clever.addDistrict();
    await linkConnection(w.h.store, school, { partner: 'clever', districtId: district.id });
    await linkConnection(w.h.store, school, { partner: 'classlink', tenantId: '31337' });
    const first = w.clever.addUser({ district: district.id, email: `first@${school.domain}`, roles: { student: {} } });
    const second = w.classlink.addUser({ TenantId: 31337, Email: `second@${school.domain}` });

    w.clever.signIn(first.id);
    const abandoned = await followUntilCallback(w.browser, `${w.h.baseUrl}/auth/clever`, 'clever');
    w.classlink.signIn(second.id);
    const next = await followUntilCallback(w.browser, `${w.h.baseUrl}/auth/classlink`, 'classlink');

    assertRefused(await w.browser.follow(abandoned.callbackUrl), 'launch_invalid', 400);
    const end = assertProductPage(await w.browser.follow(next.callbackUrl));
    assert.match(end.body, new RegExp(`second@${school.domain}`));
    assert.deepEqual(
      w.browser.cookieNames(w.h.baseUrl).filter((n) => n.startsWith('lg_')),
      [],
      'no LaunchGate flow cookie outlives a finished launch',
    );
  });

  it('marks its cookies HttpOnly and SameSite=Lax, scoped to /auth', async () => {
    const hop = await w.browser.request(`${w.h.baseUrl}/auth/clever`);
    const cookie = hop.headers.getSetCookie().find((c) => c.startsWith('lg_clever_flow='));
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\/auth/);
  });

  it('the two steps of one flow can be served by two LaunchGate processes on one SQLite file', async () => {
    const school = await seedTenant(w.h.store);
    const district = w.clever.addDistrict();
    await linkConnection(w.h.store, school, { partner: 'clever', districtId: district.id });
    w.clever.signIn(w.clever.addUser({ district: district.id, email: `two@${school.domain}`, roles: { student: {} } }).id);

    // Behind one public URL, as behind a load balancer: the second process shares the file and the secret.
    const other = await startInstance({
      env: { ...w.clever.env(), ...w.classlink.env(), PUBLIC_URL: w.h.baseUrl },
      partners: (config) => [cleverPartner(config.clever), classlinkPartner(config.classlink)],
      sqliteFile: w.h.sqliteFile,
      secret: w.h.secret,
    });
    try {
      const { callbackUrl } = await followUntilCallback(w.browser, `${w.h.baseUrl}/auth/clever`, 'clever');
      const atOther = new URL(callbackUrl);
      atOther.host = new URL(other.baseUrl).host;
      const answer = await w.browser.request(atOther.toString(), { headers: { cookie: w.browser.cookieHeader(callbackUrl) } });
      assert.equal(answer.status, 303, answer.body.slice(0, 300));
      assertProductPage(await w.browser.follow(answer.location!));
      assert.equal((await latestLaunchAudit(w.h.store)).reason, 'user_created');
    } finally {
      await other.close();
    }
  });
});

describe('cookies behind a public https URL', function () {
  let w: OAuthWorld;
  before(async () => {
    w = await startOAuthWorld({ env: { PUBLIC_URL: 'https://launchgate.example' } });
  });
  after(async () => w.close());

  it('marks the flow cookie Secure and sends Clever the public callback URL', async () => {
    const hop = await w.browser.request(`${w.h.baseUrl}/auth/clever`);
    const cookie = hop.headers.getSetCookie().find((c) => c.startsWith('lg_clever_flow='));
    assert.match(cookie ?? '', /; Secure/);
    assert.equal(new URL(hop.location!).searchParams.get('redirect_uri'), 'https://launchgate.example/auth/clever/callback');
  });
});

describe('a partner that is not configured', function () {
  let w: OAuthWorld;
  before(async () => {
    w = await startOAuthWorld({ env: { CLEVER_CLIENT_ID: '' } });
  });
  after(async () => w.close());

  for (const path of ['/auth/clever', '/auth/clever/callback?code=abc']) {
    it(`answers ${path} with a clear page saying Clever is not set up`, async () => {
      const hop = await w.browser.request(`${w.h.baseUrl}${path}`);
      assert.equal(hop.status, 404);
      assert.equal(hop.location, null);
      assert.match(hop.body, /Clever sign-in is not set up here/);
      assert.match(hop.body, /CLEVER_CLIENT_ID/);
    });
  }

  it('leaves the other partner working', async () => {
    const hop = await w.browser.request(`${w.h.baseUrl}/auth/classlink`);
    assert.equal(hop.status, 302);
    assert.ok(hop.location?.startsWith(w.classlink.authorizeUrl));
  });
});
