/**
 * TRUST_PROXY decides whose X-Forwarded-For names the client, and so which address the per-address
 * sign-in throttle counts. The attack: a client that is not a trusted proxy sends a new
 * X-Forwarded-For with every guess, to get a fresh counter each time.
 */
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/server/config';
import { startHarness, type Harness } from '../support/harness';
import { ConsoleClient } from './support';

const load = (TRUST_PROXY?: string) => loadConfig(TRUST_PROXY === undefined ? {} : { TRUST_PROXY }, '/tmp').trustProxy;

describe('TRUST_PROXY', () => {
  it('trusts only loopback by default', () => {
    assert.deepEqual(load(), ['loopback']);
    assert.deepEqual(load('  '), ['loopback']);
  });

  it('takes false or 0 for none, a hop count, or a list of addresses, CIDR ranges and names', () => {
    assert.equal(load('false'), false);
    assert.equal(load('0'), false);
    assert.equal(load('2'), 2);
    assert.deepEqual(load('10.0.0.0/8, loopback,::1, fd00::/8,192.0.2.10'), ['10.0.0.0/8', 'loopback', '::1', 'fd00::/8', '192.0.2.10']);
  });

  it('refuses true (every client would choose its own address) and values Express would not understand', () => {
    for (const bad of ['true', 'TRUE', '10.0.0.0/33', 'fd00::/129', 'proxy.internal', 'loopback,,10.0.0.1', '999', '10.0.0']) {
      assert.throws(() => load(bad), (e: unknown) => e instanceof ConfigError && e.variable === 'TRUST_PROXY', bad);
    }
  });

  describe('in the app', () => {
    const harnesses: Harness[] = [];
    after(async () => {
      for (const h of harnesses) await h.close();
    });
    const start = async (env: Record<string, string> = {}) => {
      const h = await startHarness({ env });
      harnesses.push(h);
      return h;
    };
    const trusts = (h: Harness, address: string): boolean => (h.built.app.get('trust proxy fn') as (a: string, hop: number) => boolean)(address, 0);

    it('by default believes X-Forwarded-For only from loopback, not from private or link-local peers', async () => {
      const h = await start();
      assert.equal(trusts(h, '127.0.0.1'), true);
      assert.equal(trusts(h, '::1'), true);
      for (const peer of ['10.1.2.3', '172.16.0.9', '192.168.1.1', 'fd00::2', '169.254.1.1', 'fe80::1']) assert.equal(trusts(h, peer), false, peer);
    });

    it('believes the proxies TRUST_PROXY names, and nobody with TRUST_PROXY=false', async () => {
      const listed = await start({ TRUST_PROXY: '10.0.0.0/8' });
      assert.equal(trusts(listed, '10.1.2.3'), true);
      assert.equal(trusts(listed, '192.168.1.1'), false);
      const none = await start({ TRUST_PROXY: 'false' });
      assert.equal(trusts(none, '127.0.0.1'), false);
    });

    it('a client that is not a trusted proxy cannot get a fresh per-address counter by sending X-Forwarded-For', async function () {
      this.timeout(30_000);
      // Tests only talk to loopback, so loopback itself plays the untrusted client here.
      const h = await start({ TRUST_PROXY: '192.0.2.10' });
      // 25 guesses at 25 emails, each claiming another client address; the policy allows 20 per address.
      const hops = await Promise.all(
        Array.from({ length: 25 }, (_, i) => new ConsoleClient(h.baseUrl).signIn(`guess${i}@example.org`, 'wrong wrong wrong', { 'x-forwarded-for': `203.0.113.${i + 1}` })),
      );
      const statuses = hops.map((hop) => hop.status);
      assert.equal(statuses.filter((s) => s === 401).length, 20, statuses.join(' '));
      assert.equal(statuses.filter((s) => s === 429).length, 5, statuses.join(' '));
    });
  });
});
