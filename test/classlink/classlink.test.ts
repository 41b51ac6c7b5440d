/** ClassLink-specific promises: its roles and numeric ids, the scope it needs, and optional PKCE. */
import assert from 'node:assert/strict';
import { TestClient } from '../support/client';
import { linkConnection, seedTenant, type SeededTenant } from '../support/harness';
import { assertProductPage, followUntilCallback, latestLaunchAudit, startOAuthWorld, type OAuthWorld } from '../oauth/world';

describe('ClassLink adapter', function () {
  let w: OAuthWorld;
  let school: SeededTenant;
  const tenantId = 4242;

  before(async () => {
    w = await startOAuthWorld();
    school = await seedTenant(w.h.store);
    await linkConnection(w.h.store, school, { partner: 'classlink', tenantId: String(tenantId) });
  });
  after(async () => w.close());
  beforeEach(() => {
    w.browser = new TestClient();
    w.classlink.signOutEverywhere();
  });

  it('a Tenant Administrator becomes an admin; numeric UserId and TenantId become the subject and tenant', async () => {
    const user = w.classlink.addUser({
      TenantId: tenantId,
      UserId: 8_708_718,
      Role: 'Tenant Administrator',
      Email: `Admin@${school.domain.toUpperCase()}`,
      FirstName: 'Katherine',
      LastName: 'Johnson',
      DisplayName: 'Dr. Katherine Johnson',
    });
    w.classlink.signIn(user.id);
    assertProductPage(await w.browser.follow(`${w.h.baseUrl}/auth/classlink`));
    const stored = await w.h.store.findUserByEmail(school.directory.id, `admin@${school.domain}`);
    assert.ok(stored);
    assert.deepEqual(stored.roles, ['admin']);
    assert.deepEqual(stored.rawRoles, ['Tenant Administrator']);
    assert.equal(stored.displayName, 'Dr. Katherine Johnson');
    const [identity] = await w.h.store.listExternalIdentities(stored.id);
    assert.equal(identity?.subject, '8708718');
    assert.equal((await latestLaunchAudit(w.h.store)).detail?.tenant, `ClassLink tenant ${tenantId}`);
  });

  it('asks for the profile scope and sends no PKCE parameters by default (ClassLink documents none)', async () => {
    w.classlink.signIn(w.classlink.addUser({ TenantId: tenantId, Email: `p@${school.domain}` }).id);
    const { hops } = await followUntilCallback(w.browser, `${w.h.baseUrl}/auth/classlink`, 'classlink');
    const authorize = new URL(hops[0]!.location!);
    assert.equal(authorize.searchParams.get('scope'), 'profile');
    assert.equal(authorize.searchParams.get('code_challenge'), null);
  });

  describe('with PKCE turned on', function () {
    let pw: OAuthWorld;
    before(async () => {
      pw = await startOAuthWorld({ classlink: { pkce: true } });
      const s = await seedTenant(pw.h.store);
      await linkConnection(pw.h.store, s, { partner: 'classlink', tenantId: '77' });
      pw.classlink.signIn(pw.classlink.addUser({ TenantId: 77, Email: `pkce@${s.domain}` }).id);
    });
    after(async () => pw.close());

    it('sends an S256 challenge and proves it with the verifier at the token endpoint', async () => {
      const { hops, callbackUrl } = await followUntilCallback(pw.browser, `${pw.h.baseUrl}/auth/classlink`, 'classlink');
      const authorize = new URL(hops[0]!.location!);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.match(authorize.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
      assertProductPage(await pw.browser.follow(callbackUrl));
      assert.equal(pw.classlink.tokenRequests.at(-1)?.codeVerifier, true);
    });
  });
});
