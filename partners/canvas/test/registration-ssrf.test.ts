/**
 * /lti/register fetches a URL whoever opens it chooses. In production it must not become a probe
 * into LaunchGate's own network, and no failure page may say what answered (or did not) where.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { FetchLike } from '../http';
import { isNonPublicAddress, PrivateHostError, publicHostsOnly } from '../network-guard';
import { recordingFetch, startCanvasWorld, type CanvasWorld } from './helpers';


function registerAt(w: CanvasWorld, configurationUrl: string): Promise<Response> {
  const url = new URL(`${w.h.baseUrl}/lti/register`);
  url.searchParams.set('openid_configuration', configurationUrl);
  url.searchParams.set('registration_token', 'token-from-canvas');
  return fetch(url);
}

describe('Canvas dynamic registration: no requests into private networks', function () {
  describe('which addresses are private', () => {
    it('refuses loopback, private, link-local, CGNAT, multicast and IPv4-mapped forms of them', () => {
      for (const address of ['127.0.0.1', '10.0.0.5', '172.16.3.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe']) {
        assert.equal(isNonPublicAddress(address), true, address);
      }
      for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111']) assert.equal(isNonPublicAddress(address), false, address);
    });

    it('judges NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses by the IPv4 address they carry', () => {
      const privateOnes = [
        '64:ff9b::10.0.0.5',
        '64:ff9b::a00:5',
        '64:ff9b::7f00:1',
        '64:ff9b::169.254.169.254',
        '2002:a00:5::1',
        '2002:7f00:1::',
        '2002:a9fe:a9fe:1234::1',
        '2002:c058:6301::', // 6to4 of the 6to4 relay anycast address
      ];
      for (const address of privateOnes) assert.equal(isNonPublicAddress(address), true, address);
      for (const address of ['64:ff9b::93.184.216.34', '64:ff9b::808:808', '2002:5db8:d822::1']) assert.equal(isNonPublicAddress(address), false, address);
    });

    it('refuses the local-use NAT64 prefix whole, and IPv6 outside global unicast or in its special ranges', () => {
      const refused = [
        '64:ff9b:1::5db8:d822', // local-use NAT64: translated on our own network
        '64:ff9b:1:ffff::1',
        '::a00:5', // IPv4-compatible (deprecated)
        '::ffff:0:a00:5', // IPv4-translated
        '100::1', // discard
        'fec0::1', // site-local
        'ff02::1', // multicast
        'fe80::1%eth0', // link-local with a zone id
        '2001::1', // Teredo
        '2001:db8::1', // documentation
        '3fff::1', // documentation
        '4000::1', // outside 2000::/3
      ];
      for (const address of refused) assert.equal(isNonPublicAddress(address), true, address);
      for (const address of ['2a00:1450:4001:80b::200e', '2001:4860:4860::8888']) assert.equal(isNonPublicAddress(address), false, address);
    });

    it('checks IP literals in every spelling URL accepts, and what a name resolves to', async () => {
      const resolved: string[] = [];
      const guard = publicHostsOnly(async (name) => {
        resolved.push(name);
        return name === 'canvas.school.example' ? ['93.184.216.34'] : name === 'rebind.example' ? ['93.184.216.34', '10.1.2.3'] : [];
      });
      for (const url of ['https://127.1/x', 'https://0x7f000001/x', 'https://[::ffff:169.254.169.254]/x', 'https://[64:ff9b::10.0.0.5]/x', 'https://[2002:a00:5::]/x', 'https://10.0.0.5/', 'https://rebind.example/', 'https://nowhere.example/']) {
        await assert.rejects(guard.check(new URL(url)), (err: unknown) => err instanceof PrivateHostError, url);
      }
      await guard.check(new URL('https://canvas.school.example/api/lti/security/openid-configuration'));
      assert.deepEqual(resolved, ['rebind.example', 'nowhere.example', 'canvas.school.example'], 'IP literals are never looked up');
    });
  });

  describe('in production', () => {
    let w: CanvasWorld;
    const outbound = recordingFetch();
    const resolver: Record<string, string[]> = { 'metadata.school.example': ['169.254.169.254'] };
    before(async () => {
      w = await startCanvasWorld({
        link: false,
        production: true,
        canvas: { fetch: outbound.fetch, resolveHost: async (name) => resolver[name] ?? [] },
      });
    });
    after(async () => {
      await w?.close();
    });

    for (const target of ['https://127.0.0.1/api/lti/security/openid-configuration', 'https://10.0.0.5/', 'https://metadata.school.example/latest/meta-data/']) {
      it(`refuses openid_configuration at ${target} without fetching it`, async () => {
        const before = outbound.calls.length;
        const res = await registerAt(w, target);
        assert.equal(res.status, 400);
        const page = await res.text();
        assert.match(page, /registers only with Canvas servers on the public internet/);
        assert.ok(!page.includes(new URL(target).hostname), 'the page does not echo the host');
        assert.equal(outbound.calls.length, before);
      });
    }

    it('refuses to post the registration when the issuer’s key set is on a private network', async () => {
      resolver['canvas.school.example'] = ['93.184.216.34'];
      resolver['canvas-internal.school.example'] = ['10.20.30.40'];
      const platform: FetchLike = async (input, init) => {
        outbound.calls.push(`${init?.method ?? 'GET'} ${input}`);
        return Response.json({
          issuer: 'https://canvas-internal.school.example',
          authorization_endpoint: 'https://canvas-internal.school.example/api/lti/authorize_redirect',
          token_endpoint: 'https://canvas-internal.school.example/login/oauth2/token',
          jwks_uri: 'https://canvas-internal.school.example/api/lti/security/jwks',
          registration_endpoint: 'https://canvas.school.example/api/lti/registrations',
        });
      };
      const world = await startCanvasWorld({ link: false, production: true, canvas: { fetch: platform, resolveHost: async (name) => resolver[name] ?? [] } });
      try {
        const before = outbound.calls.length;
        const res = await registerAt(world, 'https://canvas.school.example/api/lti/security/openid-configuration');
        assert.equal(res.status, 502);
        assert.deepEqual(outbound.calls.slice(before), ['GET https://canvas.school.example/api/lti/security/openid-configuration'], 'the registration was never posted');
        assert.deepEqual(await world.h.store.listConnections({ partner: 'canvas', status: 'pending' }), []);
      } finally {
        await world.close();
      }
    });
  });

  describe('the failure page', () => {
    let w: CanvasWorld;
    const logLines: string[] = [];
    before(async () => {
      w = await startCanvasWorld({
        link: false,
        logDestination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logLines.push(chunk.toString('utf8'));
            done();
          },
        }),
      });
    });
    after(async () => {
      await w?.close();
    });

    it('says nothing about what answered where; the log has the precise cause under the request id', async () => {
      // Nothing listens on port 9 (discard) of this machine: the fetch fails to connect.
      const target = 'http://127.0.0.1:9/api/lti/security/openid-configuration';
      const unreachable = await registerAt(w, target);
      const refusedByPlatform = await registerAt(w, w.sim.openidConfigurationUrl);
      for (const res of [unreachable, refusedByPlatform]) {
        assert.equal(res.status, 502);
        const page = await res.text();
        assert.match(page, /Canvas and LaunchGate could not complete the registration/);
        assert.ok(!/did not answer|answered \d|127\.0\.0\.1|http_/.test(page), page);
        const requestId = res.headers.get('x-request-id')!;
        assert.ok(page.includes(requestId), 'the page gives a reference to find the log line');
        const logged = logLines.find((line) => line.includes(requestId) && line.includes('canvas dynamic registration failed'));
        assert.ok(logged, 'the failure is logged under the request id');
        assert.match(logged, res === unreachable ? /http_network.*did not answer/ : /http_status.*answered 401/);
      }
    });
  });
});
