/**
 * Client secrets, access tokens and authorization codes never appear in LaunchGate's pages,
 * redirects or logs, whether the launch succeeds or fails. The log is captured at trace level.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { cleverPartner } from '../../partners/clever';
import { classlinkPartner } from '../../partners/classlink';
import type { SimFaults } from '../../partners/oauth/simulator-core';
import { TestClient, type Hop } from '../support/client';
import { linkConnection, seedTenant } from '../support/harness';
import { startInstance, type Instance } from './instance';
import { BOTH, type Sims } from './partners-under-test';
import { CLASSLINK_SECRET, CLEVER_SECRET, assertProductPage, followUntilCallback, startSimulators, withParam } from './world';

describe('secrets stay out of pages and logs', function () {
  const logLines: string[] = [];
  let gate: Instance;
  let w: Sims;
  const seen: Hop[] = [];
  const codes: string[] = [];

  before(async () => {
    const sims = await startSimulators();
    gate = await startInstance({
      env: { ...sims.clever.env(), ...sims.classlink.env() },
      partners: (config) => [cleverPartner(config.clever, { timeoutMs: 300 }), classlinkPartner(config.classlink, { timeoutMs: 300 })],
      logDestination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logLines.push(chunk.toString('utf8'));
          done();
        },
      }),
    });
    sims.clever.addRedirectUri(`${gate.baseUrl}/auth/clever/callback`);
    sims.classlink.addRedirectUri(`${gate.baseUrl}/auth/classlink/callback`);
    w = sims;
  });
  after(async () => {
    await gate.close();
    await w.clever.stop();
    await w.classlink.stop();
  });

  async function launch(run: (browser: TestClient) => Promise<Hop[]>): Promise<Hop[]> {
    const hops = await run(new TestClient());
    seen.push(...hops);
    for (const hop of hops) {
      const code = hop.location ? new URL(hop.location).searchParams.get('code') : null;
      if (code) codes.push(code);
    }
    return hops;
  }

  for (const p of BOTH) {
    it(`${p.label}: runs successful, refused and failing launches`, async () => {
      const school = await seedTenant(gate.store);
      const t = p.newTenant(w);
      await linkConnection(gate.store, school, t.settings);
      const sim = p.sim(w);
      const user = p.addUser(w, t.tenant, { email: `kid@${school.domain}` });
      sim.signIn(user);
      const start = `${gate.baseUrl}/auth/${p.partner}`;

      assertProductPage(await launch((b) => b.follow(start)));
      await launch((b) => b.follow(sim.portalLaunchUrl(user)));
      for (const fault of [{ token: 'error_500' }, { token: 'malformed_json' }, { userInfo: 'timeout' }, { userInfo: 'malformed_json' }] as SimFaults[]) {
        sim.setFaults(fault);
        await launch((b) => b.follow(start));
      }
      sim.clearFaults();
      await launch(async (b) => {
        const { hops, callbackUrl } = await followUntilCallback(b, start, p.partner);
        sim.burnCode(new URL(callbackUrl).searchParams.get('code')!);
        return [...hops, ...(await b.follow(callbackUrl))];
      });
      await launch(async (b) => {
        const { hops, callbackUrl } = await followUntilCallback(b, start, p.partner);
        return [...hops, ...(await b.follow(withParam(callbackUrl, 'state', 'forged')))];
      });
    });
  }

  it('no page, redirect or log line from LaunchGate carries a client secret, an access token or a code', () => {
    const secrets = [CLEVER_SECRET, CLASSLINK_SECRET, ...w.clever.issuedTokens(), ...w.classlink.issuedTokens(), ...codes];
    assert.ok(w.clever.issuedTokens().length > 0 && w.classlink.issuedTokens().length > 0 && codes.length > 4, 'the launches ran');
    const ours = seen.filter((hop) => hop.url.startsWith(gate.baseUrl));
    assert.ok(logLines.length > 10, 'the log was captured');
    for (const secret of secrets) {
      for (const hop of ours) {
        assert.ok(!hop.body.includes(secret), `a page at ${new URL(hop.url).pathname} contains a secret`);
        assert.ok(!(hop.location ?? '').includes(secret), `a redirect from ${new URL(hop.url).pathname} contains a secret`);
      }
      for (const line of logLines) assert.ok(!line.includes(secret), `a log line contains a secret: ${line.slice(0, 200)}`);
    }
  });
});
