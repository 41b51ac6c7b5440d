import assert from 'node:assert/strict';
import { hashPassword, TEST_SCRYPT } from '../../src/admin/accounts';
import { PASSWORD, startConsole, textOf, type ConsoleWorld } from './support';

const GENERIC = 'That email and password do not match an active admin account.';

describe('admin console: signing in and out', () => {
  let w: ConsoleWorld;
  let orgId: string;
  before(async () => {
    w = await startConsole({ sessionPolicy: { idleMs: 30 * 60_000, absoluteMs: 8 * 60 * 60_000 } });
    await w.account('operator@example.org', 'operator');
    orgId = (await w.store.createOrganization({ name: 'Lincoln' })).id;
    await w.account('admin@lincoln.example', 'org_admin', orgId);
  });
  after(() => w?.close());

  it('signs in with the right password and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const client = w.client();
    const hop = await client.signIn('operator@example.org', PASSWORD);
    assert.equal(hop.status, 303);
    assert.equal(new URL(hop.location!).pathname, '/admin');
    const cookie = hop.headers.getSetCookie().find((c) => c.startsWith('lg_admin='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    // PUBLIC_URL is plain http on 127.0.0.1 here: the only case allowed to go without Secure.
    assert.doesNotMatch(cookie, /Secure/);
    const home = await client.get('/admin');
    assert.equal(home.status, 200);
    assert.match(textOf(home.body), /Signed in as operator@example\.org/);
  });

  it('accepts the email in any letter case', async () => {
    const hop = await w.client().signIn('Operator@Example.ORG', PASSWORD);
    assert.equal(hop.status, 303);
  });

  it('answers a wrong password, an unknown email and a disabled account with the same message', async () => {
    const disabled = await w.account('gone@lincoln.example', 'org_admin', orgId);
    await w.store.updateAdminAccount(disabled.id, { disabledAt: new Date() });
    const answers = [
      await w.client().signIn('admin@lincoln.example', 'not the password at all'),
      await w.client().signIn('nobody@lincoln.example', PASSWORD),
      await w.client().signIn('gone@lincoln.example', PASSWORD),
    ];
    for (const hop of answers) {
      assert.equal(hop.status, 401);
      assert.ok(textOf(hop.body).includes(GENERIC), textOf(hop.body));
      assert.equal(hop.headers.getSetCookie().some((c) => c.startsWith('lg_admin=')), false);
    }
    assert.equal(answers[0]!.body.replace(/value="[^"]*"/g, ''), answers[1]!.body.replace(/value="[^"]*"/g, ''));
  });

  it('refuses a sign-in form that does not repeat the sign-in cookie (login CSRF)', async () => {
    const client = w.client();
    await client.get('/admin/login');
    const hop = await client.request(`${w.baseUrl}/admin/login`, { form: { _csrf: 'forged', email: 'operator@example.org', password: PASSWORD } });
    assert.equal(hop.status, 403);
    assert.match(textOf(hop.body), /could not be accepted/);
    const noCookie = w.client();
    const hop2 = await noCookie.request(`${w.baseUrl}/admin/login`, { form: { email: 'operator@example.org', password: PASSWORD } });
    assert.equal(hop2.status, 403);
  });

  it('refuses a sign-in posted from another site', async () => {
    const client = w.client();
    const page = await client.get('/admin/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const hop = await client.request(`${w.baseUrl}/admin/login`, {
      form: { _csrf: token, email: 'operator@example.org', password: PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(hop.status, 403);
  });

  it('gives a new session on sign-in and ignores a session id planted before it (fixation)', async () => {
    const page = await fetch(`${w.baseUrl}/admin/login`);
    const loginCookie = page.headers.getSetCookie()[0]!.split(';')[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const planted = 'lg_admin=planted-value-123';
    const res = await fetch(`${w.baseUrl}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${loginCookie}; ${planted}` },
      body: new URLSearchParams({ _csrf: token, email: 'operator@example.org', password: PASSWORD }).toString(),
    });
    assert.equal(res.status, 303);
    const issued = res.headers.getSetCookie().find((c) => c.startsWith('lg_admin='))!;
    assert.doesNotMatch(issued, /planted/);
    const withPlanted = await w.client().request(`${w.baseUrl}/admin`, { headers: { cookie: planted } });
    assert.equal(withPlanted.status, 303, 'the planted id opens nothing');
  });

  it('sends a signed-out visitor to the sign-in page, and back where they were going afterwards', async () => {
    const client = w.client();
    const hop = await client.get(`/admin/orgs/${orgId}/audit`);
    assert.equal(hop.status, 303);
    const login = new URL(hop.location!);
    assert.equal(login.pathname, '/admin/login');
    assert.equal(login.searchParams.get('next'), `/admin/orgs/${orgId}/audit`);
    const page = await client.get(login.pathname + login.search);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const next = /name="next" value="([^"]+)"/.exec(page.body)![1]!;
    const signed = await client.request(`${w.baseUrl}/admin/login`, { form: { _csrf: token, email: 'operator@example.org', password: PASSWORD, next } });
    assert.equal(new URL(signed.location!).pathname, `/admin/orgs/${orgId}/audit`);
  });

  it('does not redirect off-site after sign-in (open redirect)', async () => {
    for (const next of ['//evil.example/admin', 'https://evil.example/', '/admin\\@evil.example', '/elsewhere']) {
      const client = w.client();
      const page = await client.get(`/admin/login?next=${encodeURIComponent(next)}`);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const hop = await client.request(`${w.baseUrl}/admin/login`, { form: { _csrf: token, email: 'operator@example.org', password: PASSWORD, next } });
      assert.equal(hop.location, `${w.baseUrl}/admin`, next);
    }
  });

  it('signs out only with the session’s CSRF token, and the old cookie is dead afterwards', async () => {
    const client = await w.signedIn('operator@example.org');
    const cookie = client.cookieHeader(w.baseUrl);
    const forged = await client.post('/admin/logout', { _csrf: 'nope' });
    assert.equal(forged.status, 403);
    assert.equal((await client.get('/admin')).status, 200, 'still signed in');
    const out = await client.post('/admin/logout');
    assert.equal(out.status, 303);
    assert.match(out.location!, /\/admin\/login\?signedOut=1$/);
    assert.match(textOf((await client.get('/admin/login?signedOut=1')).body), /You have signed out/);
    const replay = await w.client().request(`${w.baseUrl}/admin`, { headers: { cookie } });
    assert.equal(replay.status, 303, 'the copied cookie no longer opens the console');
  });

  it('ends a session after 30 idle minutes', async () => {
    const client = await w.signedIn('operator@example.org');
    w.clock.advance(29 * 60_000);
    assert.equal((await client.get('/admin')).status, 200);
    w.clock.advance(29 * 60_000);
    assert.equal((await client.get('/admin')).status, 200, 'idle time counts from the last request');
    w.clock.advance(31 * 60_000);
    const hop = await client.get('/admin');
    assert.equal(hop.status, 303);
    assert.match(hop.location!, /\/admin\/login/);
  });

  it('ends a session at the absolute timeout even when it is busy', async () => {
    const client = await w.signedIn('operator@example.org');
    for (let i = 0; i < 16; i++) {
      w.clock.advance(29 * 60_000);
      assert.equal((await client.get('/admin')).status, 200, `request ${i}`);
    }
    w.clock.advance(29 * 60_000);
    assert.equal((await client.get('/admin')).status, 303);
  });

  it('ends every session of an account whose password changes or that is disabled', async () => {
    const account = await w.account('changing@lincoln.example', 'org_admin', orgId);
    const a = await w.signedIn('changing@lincoln.example');
    await w.store.updateAdminAccount(account.id, { passwordHash: await hashPassword('a whole new password', TEST_SCRYPT) });
    assert.equal((await a.get('/admin')).status, 303);
    const b = await w.client().signIn('changing@lincoln.example', 'a whole new password');
    assert.equal(b.status, 303);
    const client = w.client();
    await client.signIn('changing@lincoln.example', 'a whole new password');
    await w.store.updateAdminAccount(account.id, { disabledAt: new Date() });
    assert.equal((await client.get('/admin')).status, 303);
  });

  it('serves no console page to caches', async () => {
    const client = await w.signedIn('operator@example.org');
    assert.equal((await client.get('/admin')).headers.get('cache-control'), 'no-store');
    assert.equal((await w.client().get('/admin/login')).headers.get('cache-control'), 'no-store');
  });
});

describe('admin console: cookies over https', () => {
  let w: ConsoleWorld;
  before(async () => {
    w = await startConsole({ publicUrl: 'https://launchgate.example' });
  });
  after(() => w?.close());

  it('marks cookies Secure and __Host- when PUBLIC_URL is https', async () => {
    const hop = await w.client().get('/admin/login');
    const cookie = hop.headers.getSetCookie()[0]!;
    assert.match(cookie, /^__Host-lg_admin_login=/);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /Path=\//);
    assert.match(cookie, /SameSite=Strict/);
  });
});
