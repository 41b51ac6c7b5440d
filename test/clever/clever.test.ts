/** Clever-specific promises: multi-role users, the district hint, and what Clever's records become. */
import assert from 'node:assert/strict';
import { TestClient } from '../support/client';
import { linkConnection, seedTenant, type SeededTenant } from '../support/harness';
import { assertProductPage, followUntilCallback, latestLaunchAudit, startOAuthWorld, type OAuthWorld } from '../oauth/world';

describe('Clever adapter', function () {
  let w: OAuthWorld;
  let school: SeededTenant;
  let districtId: string;

  before(async () => {
    w = await startOAuthWorld();
    school = await seedTenant(w.h.store);
    districtId = w.clever.addDistrict({ name: 'Lincoln Unified (#DEMO)' }).id;
    await linkConnection(w.h.store, school, { partner: 'clever', districtId });
  });
  after(async () => w.close());
  beforeEach(() => {
    w.browser = new TestClient();
    w.clever.signOutEverywhere();
  });

  it('a multi-role user (teacher and district admin) gets both roles, with Clever’s role keys kept raw', async () => {
    const user = w.clever.addUser({
      district: districtId,
      name: { first: 'Grace', last: 'Hopper' },
      email: `grace@${school.domain}`,
      roles: { teacher: { school: 'school-1' }, district_admin: { title: 'IT Director' } },
    });
    w.clever.signIn(user.id);
    const end = assertProductPage(await w.browser.follow(`${w.h.baseUrl}/auth/clever`));
    assert.match(end.body, /Grace Hopper/);
    const stored = await w.h.store.findUserByEmail(school.directory.id, `grace@${school.domain}`);
    assert.deepEqual(stored?.roles, ['teacher', 'admin']);
    assert.deepEqual(stored?.rawRoles, ['district_admin', 'teacher']);
    assert.equal(stored?.givenName, 'Grace');
    assert.equal(stored?.familyName, 'Hopper');
    const audit = await latestLaunchAudit(w.h.store);
    assert.deepEqual(audit.detail?.tenant, `Clever district ${districtId}`);
  });

  it('passes the district_id hint on to Clever, which signs in only a user of that district', async () => {
    const user = w.clever.addUser({ district: districtId, email: `hint@${school.domain}`, roles: { student: {} } });
    w.clever.signIn(user.id);
    const { hops } = await followUntilCallback(w.browser, `${w.h.baseUrl}/auth/clever?district_id=${districtId}`, 'clever');
    assert.equal(new URL(hops[0]!.location!).searchParams.get('district_id'), districtId);

    const elsewhere = w.clever.addDistrict().id;
    const refused = await new TestClient().follow(`${w.h.baseUrl}/auth/clever?district_id=${elsewhere}`);
    assert.match(refused[refused.length - 1]!.body, /Sign in to Clever/, 'Clever asks a user of the other district to sign in');
  });

  it('answers a malformed district_id with a clear 400 page instead of redirecting', async () => {
    const hop = await w.browser.request(`${w.h.baseUrl}/auth/clever?district_id=${encodeURIComponent('<script>x</script>')}`);
    assert.equal(hop.status, 400);
    assert.equal(hop.location, null);
    assert.match(hop.body, /not a Clever district id/);
    assert.doesNotMatch(hop.body, /<script>x/);
  });

  it('asks Clever for no scope and sends no PKCE parameters (Clever documents neither)', async () => {
    const user = w.clever.addUser({ district: districtId, email: `scope@${school.domain}`, roles: { student: {} } });
    w.clever.signIn(user.id);
    const { hops } = await followUntilCallback(w.browser, `${w.h.baseUrl}/auth/clever`, 'clever');
    const authorize = new URL(hops[0]!.location!);
    assert.equal(authorize.origin + authorize.pathname, w.clever.authorizeUrl);
    assert.deepEqual([...authorize.searchParams.keys()].sort(), ['client_id', 'redirect_uri', 'response_type', 'state']);
    assert.equal(authorize.searchParams.get('redirect_uri'), `${w.h.baseUrl}/auth/clever/callback`);
  });
});
