/**
 * Launches inside Canvas's iframe when the browser keeps no cookie there: LTI platform storage
 * when Canvas offers it, a new top-level window when it does not. The browser's side (the
 * postMessage exchange) is played by the test here; browser.test.ts runs it in Chromium.
 */
import assert from 'node:assert/strict';
import { parseForm } from '../simulator';
import { accessOf, lastCheck, newBrowser, openProduct, reasonOf, startCanvasWorld, type CanvasWorld } from './helpers';

interface LoginPageData {
  authUrl: string;
  storageTarget: string;
  platformOrigin: string;
  key: string;
  value: string;
}

function pageData<T>(html: string): T {
  const json = /<script type="application\/json" id="lg-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error('the page carries no data block');
  return JSON.parse(json) as T;
}

describe('Canvas launch without third-party cookies', function () {
  let w: CanvasWorld;
  before(async () => {
    w = await startCanvasWorld();
  });
  after(async () => {
    await w?.close();
  });

  /** Login offering platform storage; returns what the login page would put_data, and the token the platform posts. */
  async function loginWithStorage(browser = newBrowser()) {
    const user = w.student();
    const params = { ...w.sim.loginParams({ user, storageTarget: 'post_message_forwarding' }), target_link_uri: `${w.h.baseUrl}/lti/launch` };
    const login = await browser.request(`${w.h.baseUrl}/lti/login`, { form: params });
    assert.equal(login.status, 200);
    const data = pageData<LoginPageData>(login.body);
    const form = await w.sim.authorize(data.authUrl);
    return { browser, user, login, data, form };
  }

  it('the login cookie is SameSite=None; Secure; Partitioned; HttpOnly, scoped to /lti', async () => {
    const { login } = await loginWithStorage();
    const [cookie] = login.headers.getSetCookie();
    assert.ok(cookie);
    for (const attribute of [/;\s*SameSite=None/i, /;\s*Secure/i, /;\s*Partitioned/i, /;\s*HttpOnly/i, /;\s*Path=\/lti/i]) assert.match(cookie, attribute);
  });

  it('with platform storage offered, the login page stores the binding with the platform’s storage frame, at the OIDC origin', async () => {
    const { login, data } = await loginWithStorage();
    assert.equal(data.storageTarget, 'post_message_forwarding');
    assert.equal(data.platformOrigin, new URL(w.sim.authEndpoint).origin);
    assert.ok(data.key.startsWith('launchgate_state_'));
    assert.ok(data.value.length >= 40);
    assert.match(login.body, /<script nonce="[^"]+">/);
    assert.ok(!/postMessage\([^)]*'\*'\)/.test(login.body), 'never posts to the * origin');
  });

  it('cookie gone, storage answers: the launch completes through a same-origin continue post', async () => {
    const { browser, data, form, user } = await loginWithStorage();
    browser.clearCookies();
    const launch = await browser.request(`${w.h.baseUrl}/lti/launch`, { form: form.fields });
    assert.equal(launch.status, 200);
    assert.equal(launch.headers.get('referrer-policy'), 'same-origin');
    assert.equal(pageData<{ key: string }>(launch.body).key, data.key);
    const next = parseForm(launch.body, 'lg-continue');
    const done = await browser.request(next.action, {
      form: { ...next.fields, binding: data.value },
      headers: { origin: new URL(w.h.baseUrl).origin },
    });
    const product = await openProduct(browser, done);
    assert.equal(accessOf(product.body), 'user_created');
    assert.ok(await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!));
  });

  it('the continue post is refused with another value than the one this login stored', async () => {
    const { browser, form } = await loginWithStorage();
    browser.clearCookies();
    const launch = await browser.request(`${w.h.baseUrl}/lti/launch`, { form: form.fields });
    const next = parseForm(launch.body, 'lg-continue');
    const done = await browser.request(next.action, { form: { ...next.fields, binding: 'value-of-another-login' }, headers: { origin: new URL(w.h.baseUrl).origin } });
    assert.equal(done.status, 400);
    assert.equal(await lastCheck(w.h), 'state_not_bound_to_browser');
  });

  it('the continue post is refused from another origin, and when used twice', async () => {
    const { browser, data, form } = await loginWithStorage();
    browser.clearCookies();
    const launch = await browser.request(`${w.h.baseUrl}/lti/launch`, { form: form.fields });
    const next = parseForm(launch.body, 'lg-continue');
    const crossSite = await browser.request(next.action, { form: { ...next.fields, binding: data.value }, headers: { origin: 'https://attacker.example' } });
    assert.equal(crossSite.status, 400);
    assert.equal(await lastCheck(w.h), 'continuation_cross_origin');
    const noHeaders = await browser.request(next.action, { form: { ...next.fields, binding: data.value } });
    assert.equal(await lastCheck(w.h), 'continuation_cross_origin');
    assert.equal(noHeaders.status, 400);
    const sameSite = { 'sec-fetch-site': 'same-origin' };
    const first = await browser.request(next.action, { form: { ...next.fields, binding: data.value }, headers: sameSite });
    assert.equal(first.status, 303);
    const second = await browser.request(next.action, { form: { ...next.fields, binding: data.value }, headers: sameSite });
    assert.equal(second.status, 400);
    assert.equal(await lastCheck(w.h), 'continuation_unknown');
  });

  it('no cookie and no platform storage: a page offers a new window, where the launch completes', async () => {
    const inFrame = newBrowser();
    const user = w.student();
    const params = { ...w.sim.loginParams({ user }), target_link_uri: `${w.h.baseUrl}/lti/launch` };
    const login = await inFrame.request(`${w.h.baseUrl}/lti/login`, { form: params });
    const form = await w.sim.authorize(login.location!);
    inFrame.clearCookies();
    const page = await inFrame.request(`${w.h.baseUrl}/lti/launch`, { form: form.fields });
    assert.equal(page.status, 200);
    assert.match(page.body, /Open in a new window/);
    const href = /data-testid="open-new-window" href="([^"]+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(href);
    assert.equal(new URL(href).pathname, '/lti/login');
    assert.equal(new URL(href).searchParams.get('lti_storage_target'), null);
    assert.equal(await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!), null, 'the iframe launch did not sign anyone in');

    const topLevel = newBrowser();
    const relogin = await topLevel.request(href);
    assert.equal(relogin.status, 302);
    const again = await w.sim.authorize(relogin.location!);
    const done = await topLevel.request(again.action, { form: again.fields });
    const product = await openProduct(topLevel, done);
    assert.equal(accessOf(product.body), 'user_created');
    assert.equal(reasonOf(product.body), null);
  });
});
