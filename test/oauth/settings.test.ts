/**
 * The OAuth settings from the environment reach the adapters through the server's partner list
 * (src/server/partners.ts): PKCE on the wire, ClassLink's scope on the authorization request, and
 * the deadline on partner calls.
 */
import assert from 'node:assert/strict';
import { partnerModules } from '../../src/server/partners';
import { TestClient } from '../support/client';
import { linkConnection, seedTenant, startHarness, type Harness } from '../support/harness';
import { BOTH, type Sims } from './partners-under-test';
import { assertProductPage, assertRefused, followUntilCallback, latestLaunchAudit, startSimulators } from './world';

describe('OAuth settings from the environment', function () {
  let sims: Sims;
  let h: Harness;

  before(async () => {
    sims = await startSimulators();
    h = await startHarness({
      env: {
        ...sims.clever.env(),
        ...sims.classlink.env(),
        CLEVER_PKCE: '1',
        CLASSLINK_PKCE: 'true',
        CLASSLINK_SCOPE: 'profile oneroster',
        PARTNER_TIMEOUT_MS: '300',
      },
      partners: ({ config, store, secret }) => partnerModules(config, store, secret),
    });
    sims.clever.addRedirectUri(`${h.baseUrl}/auth/clever/callback`);
    sims.classlink.addRedirectUri(`${h.baseUrl}/auth/classlink/callback`);
  });
  after(async () => {
    await h.close();
    await sims.clever.stop();
    await sims.classlink.stop();
  });

  for (const p of BOTH) {
    it(`${p.label}: PKCE (S256) goes out and is checked, and a slow token endpoint is given up on at PARTNER_TIMEOUT_MS`, async () => {
      const school = await seedTenant(h.store);
      const t = p.newTenant(sims);
      await linkConnection(h.store, school, t.settings);
      const sim = p.sim(sims);
      sim.signIn(p.addUser(sims, t.tenant, { email: `kid@${school.domain}` }));
      const start = `${h.baseUrl}/auth/${p.partner}`;

      const { hops, callbackUrl } = await followUntilCallback(new TestClient(), start, p.partner);
      const authorize = new URL(hops[0]!.location!);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      if (p.partner === 'classlink') assert.equal(authorize.searchParams.get('scope'), 'profile oneroster');
      else assert.equal(authorize.searchParams.get('scope'), null, 'Clever takes no scope parameter');
      assert.ok(callbackUrl);

      const before = sim.tokenRequests.length;
      assertProductPage(await new TestClient().follow(start));
      assert.equal(sim.tokenRequests[before]?.codeVerifier, true, 'the token request carried the verifier');

      sim.setFaults({ token: 'timeout' });
      const started = Date.now();
      assertRefused(await new TestClient().follow(start), 'partner_error', 502);
      sim.clearFaults();
      assert.ok(Date.now() - started < 2000, 'given up long before the 10 s default');
      const audit = await latestLaunchAudit(h.store);
      assert.equal(audit.detail?.check, 'token_timeout');
      assert.match(String(audit.detail?.cause), /within 300 ms/);
    });
  }
});
