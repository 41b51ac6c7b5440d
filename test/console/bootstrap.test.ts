import assert from 'node:assert/strict';
import { generateToken, hashToken } from '../../src/admin/auth';
import { startConsole, textOf, type ConsoleWorld } from './support';

describe('admin console: the first operator account', () => {
  let w: ConsoleWorld;
  before(async () => {
    w = await startConsole();
  });
  after(() => w?.close());

  async function bootstrap(form: Record<string, string>) {
    const client = w.client();
    const page = await client.get('/admin/bootstrap');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return { client, hop: await client.request(`${w.baseUrl}/admin/bootstrap`, { form: { _csrf: token, ...form } }) };
  }

  it('points to the CLI and the first operator page while no account exists', async () => {
    const page = await w.client().get('/admin/login');
    assert.match(textOf(page.body), /launchgate admin create --email you@example\.org --role operator/);
    assert.match(page.body, /href="\/admin\/bootstrap"/);
  });

  it('refuses a wrong token, an organization token and mismatched passwords', async () => {
    const org = await w.store.createOrganization({ name: 'Org' });
    const orgToken = generateToken();
    await w.store.createApiToken({ name: 'org', role: 'org_admin', orgId: org.id, tokenHash: hashToken(orgToken) });
    const base = { email: 'first@example.org', password: 'a long enough password', confirm: 'a long enough password' };
    assert.equal((await bootstrap({ ...base, token: generateToken() })).hop.status, 401);
    assert.equal((await bootstrap({ ...base, token: orgToken })).hop.status, 401);
    const mismatch = await bootstrap({ ...base, token: w.operatorToken, confirm: 'something else entirely' });
    assert.equal(mismatch.hop.status, 400);
    assert.match(textOf(mismatch.hop.body), /not the same/);
    const short = await bootstrap({ ...base, token: w.operatorToken, password: 'short', confirm: 'short' });
    assert.equal(short.hop.status, 400);
    assert.match(textOf(short.hop.body), /at least 12 characters/);
    assert.equal((await w.store.listAdminAccounts({})).length, 0);
  });

  it('creates the operator with the operator API token and signs them in', async () => {
    const { client, hop } = await bootstrap({ token: w.operatorToken, email: 'First@Example.org', password: 'a long enough password', confirm: 'a long enough password' });
    assert.equal(hop.status, 303);
    const home = await client.get('/admin');
    assert.equal(home.status, 200);
    assert.match(textOf(home.body), /Welcome\. Your operator account first@example\.org is ready\./);
    const [account] = await w.store.listAdminAccounts({});
    assert.equal(account?.role, 'operator');
    assert.equal(account?.email, 'first@example.org');
    assert.doesNotMatch(account!.passwordHash, /long enough/);
  });

  it('is closed once an operator account exists', async () => {
    assert.equal((await w.client().get('/admin/bootstrap')).status, 404);
    const { hop } = await bootstrap({ token: w.operatorToken, email: 'second@example.org', password: 'a long enough password', confirm: 'a long enough password' });
    assert.equal(hop.status, 403, 'no form token is even handed out any more');
    assert.equal((await w.store.listAdminAccounts({})).length, 1);
  });
});
