/**
 * A launch fetches the platform key set its connection names. In production that URL must not
 * make LaunchGate call into its own network: a key set on a private address is never fetched, and
 * the launch is refused as a platform that does not answer.
 */
import assert from 'node:assert/strict';
import type { FetchLike } from '../http';
import { lastCheck, newBrowser, reasonOf, startCanvasWorld, type CanvasWorld } from './helpers';
import { linkConnection } from '../../../test/support/harness';

describe('Canvas launch in production: no key set fetched from a private network', function () {
  let w: CanvasWorld;
  const calls: string[] = [];
  const resolver: Record<string, string[]> = {
    'keys-internal.school.example': ['10.0.0.5'],
    'keys.school.example': ['93.184.216.34'],
  };
  before(async () => {
    // The public name stands for the simulated Canvas: its fetch goes to the simulator on loopback.
    // Nothing else is ever sent anywhere, even if the guard failed to refuse it.
    const outbound: FetchLike = async (input, init) => {
      calls.push(input);
      if (new URL(input).hostname !== 'keys.school.example') throw new TypeError('fetch failed');
      return fetch(w.sim.jwksUrl, init);
    };
    w = await startCanvasWorld({ link: false, production: true, canvas: { fetch: outbound, resolveHost: async (name) => resolver[name] ?? [] } });
  });
  after(async () => {
    await w?.close();
  });

  async function linkWithJwksUrl(jwksUrl: string): Promise<void> {
    for (const existing of await w.h.store.listConnections({ partner: 'canvas' })) await w.h.store.deleteConnection(existing.id);
    await linkConnection(w.h.store, w.tenant, { ...w.sim.connectionSettings(), jwksUrl });
  }

  for (const jwksUrl of ['https://keys-internal.school.example/api/lti/security/jwks', 'https://10.0.0.5/api/lti/security/jwks', 'https://[64:ff9b::a00:5]/api/lti/security/jwks']) {
    it(`refuses a launch whose key set is at ${jwksUrl} without fetching it`, async () => {
      await linkWithJwksUrl(jwksUrl);
      const before = { calls: calls.length, simFetches: w.sim.jwksFetches };
      const { final } = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student() });
      assert.equal(final.status, 502);
      assert.equal(reasonOf(final.body), 'partner_error');
      assert.equal(await lastCheck(w.h), 'jwks_unavailable');
      assert.ok(!final.body.includes('10.0.0.5') && !final.body.includes('keys-internal'), 'the page does not name the host');
      assert.deepEqual(calls.slice(before.calls), [], 'nothing was fetched');
      assert.equal(w.sim.jwksFetches, before.simFetches);
    });
  }

  it('still fetches a key set whose host resolves to public addresses only, and lets the launch in', async () => {
    await linkWithJwksUrl('https://keys.school.example/api/lti/security/jwks');
    const before = calls.length;
    const { final } = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student() });
    assert.equal(final.status, 303);
    assert.deepEqual(calls.slice(before), ['https://keys.school.example/api/lti/security/jwks']);
  });
});
