import assert from 'node:assert/strict';
import { hashPassword, TEST_SCRYPT } from '../../src/admin/accounts';
import { startHarness, type Harness } from '../support/harness';
import { ConsoleClient, PASSWORD } from './support';

describe('admin console in the whole app', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.store.createAdminAccount({ email: 'op@example.org', role: 'operator', orgId: null, passwordHash: await hashPassword(PASSWORD, TEST_SCRYPT) });
  });
  after(() => h?.close());

  it('is linked from the root page', async () => {
    const root = await (await fetch(h.baseUrl)).text();
    assert.match(root, /<a href="\/admin">Admin console<\/a>/);
  });

  it('serves its pages under the strict CSP: no framing, no inline script', async () => {
    const res = await fetch(`${h.baseUrl}/admin/login`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /script-src 'self' 'nonce-/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('referrer-policy'), 'same-origin');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(await res.text(), /<script/);
  });

  it('signs in and shows the operator’s organizations', async () => {
    const client = new ConsoleClient(h.baseUrl);
    const hop = await client.signIn('op@example.org', PASSWORD);
    assert.equal(hop.status, 303);
    const home = await client.get('/admin');
    assert.equal(home.status, 200);
    assert.match(home.body, /<h1>Organizations<\/h1>/);
  });
});
