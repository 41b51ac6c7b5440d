/**
 * DNS rebinding: a platform name that answers a public address to the check and a private one to
 * the connection a moment later. pinnedFetch opens every connection to an address its own lookup
 * allowed, so there is no second answer to give.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedFetch, pinnedFetch, type HostGuard, type HostResolver } from '../network-guard';

describe('Canvas outbound calls pinned to checked addresses (DNS rebinding)', function () {
  let server: http.Server;
  let port: number;
  const hosts: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      hosts.push(req.headers.host ?? '');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => hosts.splice(0));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // The tests' "public internet" is this loopback server; every other address counts as private.
  const allowed = (address: string) => address === '127.0.0.1';

  it('connects a name to the address its lookup allowed, and sends the name as Host', async () => {
    const resolve: HostResolver = async (name) => (name === 'canvas.school.test' ? ['127.0.0.1'] : []);
    const res = await pinnedFetch(resolve, allowed)(`http://canvas.school.test:${port}/api/lti/security/jwks`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { keys: [] });
    assert.deepEqual(hosts, [`canvas.school.test:${port}`]);
  });

  it('refuses a name of which any address is private, before a request is sent', async () => {
    const resolve: HostResolver = async () => ['127.0.0.1', '10.0.0.7'];
    await assert.rejects(pinnedFetch(resolve, allowed)(`http://mixed.school.test:${port}/jwks`));
    assert.deepEqual(hosts, []);
  });

  it('attack: a name that answers the check with an allowed address and the connection with a private one reaches nothing', async () => {
    // The "private network": a second loopback server, on 127.0.0.2.
    const inner: string[] = [];
    const privateServer = http.createServer((req, res) => {
      inner.push(req.url ?? '');
      res.end('{}');
    });
    await new Promise<void>((resolve) => privateServer.listen(port, '127.0.0.2', resolve));
    try {
      let lookups = 0;
      const rebinding: HostResolver = async () => (lookups++ % 2 === 0 ? ['127.0.0.1'] : ['127.0.0.2']);
      const checkedOnce: HostGuard = {
        async check(url) {
          if (!(await rebinding(url.hostname)).every(allowed)) throw new Error('refused by the check');
        },
      };
      // Control: with the check alone (the connection's lookup applying no rule), the name reaches the private server.
      const unpinned = guardedFetch(pinnedFetch(rebinding, () => true), checkedOnce);
      assert.equal((await unpinned(`http://rebind.attacker.test:${port}/metadata`)).status, 200);
      assert.deepEqual(inner, ['/metadata']);

      const pinned = guardedFetch(pinnedFetch(rebinding, allowed), checkedOnce);
      await assert.rejects(pinned(`http://rebind.attacker.test:${port}/metadata-again`));
      assert.deepEqual(inner, ['/metadata']);
      assert.deepEqual(hosts, []);
    } finally {
      await new Promise<void>((resolve) => privateServer.close(() => resolve()));
    }
  });

  it('refuses a name that does not resolve', async () => {
    const resolve: HostResolver = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    await assert.rejects(pinnedFetch(resolve, allowed)(`http://nowhere.school.test:${port}/jwks`));
    assert.deepEqual(hosts, []);
  });
});
