import assert from 'node:assert/strict';
import { createConsoleRouter } from '../../src/admin/console';
import { openSqliteStore } from '../../src/store/sqlite';
import { PRODUCTS, seedOrg, startConsole, textOf, type ConsoleWorld, type SeededOrg } from './support';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every POST route the console registers, with its path parameters. */
async function postRoutes(): Promise<string[]> {
  const store = openSqliteStore({ file: ':memory:' });
  await store.init();
  const router = createConsoleRouter({ store, products: PRODUCTS, publicUrl: new URL('http://127.0.0.1'), localHttp: true });
  await store.close();
  const { stack } = router as unknown as { stack: Layer[] };
  return stack.filter((l) => l.route?.methods.post).map((l) => l.route!.path);
}

describe('admin console: CSRF protection on every state-changing request', () => {
  let w: ConsoleWorld;
  let a: SeededOrg;
  let routes: string[];

  before(async () => {
    w = await startConsole();
    a = await seedOrg(w, 'Lincoln');
    await w.account('operator@example.org', 'operator');
    routes = await postRoutes();
  });
  after(() => w?.close());

  const fill = (route: string) =>
    '/admin' +
    route
      .replace(':orgId', a.orgId)
      .replace(':directoryId', a.directoryId)
      .replace(':domainId', a.domainId)
      .replace(':connectionId', a.connectionId)
      .replace(':userId', a.userId)
      .replace(':productId', 'studio')
      .replace(':tokenId', a.tokenId)
      .replace(':accountId', a.adminId);

  it('finds the console’s post routes', () => {
    assert.ok(routes.length >= 20, `only ${routes.length}: ${routes.join(', ')}`);
    assert.ok(routes.includes('/directories/:directoryId/settings'));
    assert.ok(routes.includes('/logout'));
  });

  it('refuses every post without the session’s token with 403 and a clear page, changing nothing', async () => {
    const client = await w.signedIn('operator@example.org');
    const before = await w.store.countAudit({});
    for (const route of routes.filter((r) => r !== '/login' && r !== '/bootstrap')) {
      const hop = await client.request(w.baseUrl + fill(route), { form: { name: 'x', jitEnabled: 'on', email: 'x@lincoln.example', productId: 'studio', status: 'blocked' } });
      assert.equal(hop.status, 403, route);
      assert.match(textOf(hop.body), /did not carry a valid security token/, route);
    }
    assert.equal(await w.store.countAudit({}), before, 'no admin change was made');
    assert.equal((await w.store.getDirectory(a.directoryId))?.name, 'Lincoln staff');
  });

  it('refuses another session’s token', async () => {
    const mallory = await w.signedIn(a.adminEmail);
    const victim = await w.signedIn('operator@example.org');
    const hop = await victim.request(`${w.baseUrl}/admin/directories/${a.directoryId}/settings`, { form: { _csrf: mallory.csrf, name: 'Pwned', jitEnabled: 'on' } });
    assert.equal(hop.status, 403);
    assert.equal((await w.store.getDirectory(a.directoryId))?.name, 'Lincoln staff');
  });

  it('refuses a post from another origin even with a valid token', async () => {
    const client = await w.signedIn('operator@example.org');
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of attempts) {
      const hop = await client.post(`/admin/directories/${a.directoryId}/settings`, { name: 'Pwned', jitEnabled: 'on' }, headers);
      assert.equal(hop.status, 403, JSON.stringify(headers));
    }
    assert.equal((await w.store.getDirectory(a.directoryId))?.name, 'Lincoln staff');
  });

  it('accepts the same post from the console itself', async () => {
    const client = await w.signedIn('operator@example.org');
    const hop = await client.post(`/admin/directories/${a.directoryId}/settings`, { name: 'Lincoln staff', jitEnabled: 'on' }, { origin: w.baseUrl, 'sec-fetch-site': 'same-origin' });
    assert.equal(hop.status, 303);
  });

  it('sends a post without a session to sign in, changing nothing', async () => {
    const hop = await w.client().request(`${w.baseUrl}/admin/directories/${a.directoryId}/settings`, { form: { name: 'Pwned' } });
    assert.equal(hop.status, 303);
    assert.match(hop.location!, /\/admin\/login\?expired=1$/);
    assert.equal((await w.store.getDirectory(a.directoryId))?.name, 'Lincoln staff');
  });
});
