/**
 * Canvas launches end to end against the simulated Canvas: what a teacher or student clicking
 * LaunchGate in a course gets, and what LaunchGate records.
 */
import assert from 'node:assert/strict';
import { CanvasSimulator, LIS_ROLES } from '../simulator';
import { accessOf, lastLaunchAudit, newBrowser, openProduct, reasonOf, startCanvasWorld, startSecondProcess, type CanvasWorld } from './helpers';

describe('Canvas launch', function () {
  let w: CanvasWorld;
  before(async () => {
    w = await startCanvasWorld();
  });
  after(async () => {
    await w?.close();
  });

  it('JIT on: a new student is created, licensed and lands in the product', async () => {
    const browser = newBrowser();
    const user = w.student();
    const { final } = await w.sim.launch(browser, w.h.baseUrl, { user });
    const product = await openProduct(browser, final);
    assert.equal(product.status, 200);
    assert.equal(accessOf(product.body), 'user_created');
    assert.match(product.body, new RegExp(user.email!.replace(/[.]/g, '\\.')));

    const stored = await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!);
    assert.ok(stored, 'the user exists in the store');
    assert.equal(stored.email, user.email);
    assert.equal(stored.givenName, 'Ada');
    assert.deepEqual(stored.roles, ['student']);
    assert.equal(stored.createdBy, 'jit');
    assert.ok(await w.h.store.getLicense(stored.id, 'studio'), 'the user holds a license');
    const audit = await lastLaunchAudit(w.h);
    assert.equal(audit?.decision, 'allowed');
    assert.equal(audit?.reason, 'user_created');
  });

  it('an existing licensed user is let in again with existing_license', async () => {
    const user = w.student({ roles: [LIS_ROLES.instructor] });
    const first = await w.sim.launch(newBrowser(), w.h.baseUrl, { user });
    assert.equal(first.final.status, 303);
    const browser = newBrowser();
    const again = await w.sim.launch(browser, w.h.baseUrl, { user });
    const product = await openProduct(browser, again.final);
    assert.equal(accessOf(product.body), 'existing_license');
    const stored = await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!);
    assert.deepEqual(stored?.roles, ['teacher']);
  });

  it('JIT off: a new person is refused with jit_disabled, and nobody is created', async () => {
    await w.h.store.updateDirectory(w.tenant.directory.id, { jitEnabled: false });
    try {
      const user = w.student();
      const { final } = await w.sim.launch(newBrowser(), w.h.baseUrl, { user });
      assert.equal(final.status, 403);
      assert.equal(reasonOf(final.body), 'jit_disabled');
      assert.match(final.body, /Your school has not turned on automatic access/);
      assert.equal(await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!), null);
    } finally {
      await w.h.store.updateDirectory(w.tenant.directory.id, { jitEnabled: true });
    }
  });

  it('missing email (privacy_level anonymous) is refused with email_missing; an unexpanded $Person.email.primary is no email', async () => {
    const user = w.student();
    const { final, form } = await w.sim.launch(newBrowser(), w.h.baseUrl, { user, privacy: 'anonymous' });
    assert.ok(form?.fields.id_token, 'the platform posted a token');
    assert.equal(final.status, 403);
    assert.equal(reasonOf(final.body), 'email_missing');
    assert.equal(await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!), null);
  });

  it('an unknown client_id is refused with connection_not_linked at login', async () => {
    const { login, final } = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student(), clientId: '99999' });
    assert.equal(final, login, 'the browser never reaches the platform');
    assert.equal(final.status, 403);
    assert.equal(reasonOf(final.body), 'connection_not_linked');
    assert.equal((await lastLaunchAudit(w.h))?.detail?.check, 'client_id_unknown');
  });

  it('a deployment that is not linked is refused with connection_not_linked', async () => {
    const { final } = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student(), deploymentId: '2:another-sub-account' });
    assert.equal(final.status, 403);
    assert.equal(reasonOf(final.body), 'connection_not_linked');
    assert.equal((await lastLaunchAudit(w.h))?.detail?.check, 'deployment_not_linked');
  });

  it('a deployment only named in the token (no lti_deployment_id at login) must be linked too', async () => {
    const refused = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student(), deploymentId: '3:unlinked', omitLoginDeploymentId: true });
    assert.equal(refused.final.status, 403);
    assert.equal(reasonOf(refused.final.body), 'connection_not_linked');
    const allowed = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student(), omitLoginDeploymentId: true });
    assert.equal(allowed.final.status, 303);
  });

  it('names, roles and course context reach the product and the store', async () => {
    const user = w.student({ roles: [LIS_ROLES.teachingAssistant, LIS_ROLES.institutionStaff] });
    const browser = newBrowser();
    const { final } = await w.sim.launch(browser, w.h.baseUrl, { user, context: { id: 'c-42', label: 'CHEM', title: 'Chemistry' } });
    await openProduct(browser, final);
    const stored = await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!);
    assert.deepEqual(stored?.roles, ['teacher', 'staff']);
    assert.deepEqual(stored?.rawRoles, user.roles);
    assert.equal(stored?.displayName, `Ada ${user.familyName}`);
  });

  it('two LaunchGate processes on one store: the login on one and the launch on the other succeeds', async () => {
    const other = await startSecondProcess(w.h);
    try {
      const browser = newBrowser();
      const user = w.student();
      const params = { ...w.sim.loginParams({ user }), target_link_uri: `${w.h.baseUrl}/lti/launch` };
      const login = await browser.request(`${w.h.baseUrl}/lti/login`, { form: params });
      assert.equal(login.status, 302);
      const post = await w.sim.authorize(login.location!);
      // The load balancer sends the form_post to the other process; the browser's cookie goes with it.
      const launch = await browser.request(`${other.baseUrl}/lti/launch`, {
        form: post.fields,
        headers: { cookie: browser.cookieHeader(`${w.h.baseUrl}/lti/launch`) },
      });
      assert.equal(launch.status, 303);
      const stored = await w.h.store.findUserByExternalIdentity(w.connection!.id, user.sub!);
      assert.ok(stored, 'the user was created through the second process');
      // The first process now sees the login as spent.
      const replay = await browser.request(`${w.h.baseUrl}/lti/launch`, { form: post.fields });
      assert.equal(replay.status, 400);
      assert.equal(reasonOf(replay.body), 'launch_invalid');
    } finally {
      await other.close();
    }
  });

  it('the platform reporting an error instead of a token is a partner_error', async () => {
    const browser = newBrowser();
    const res = await browser.request(`${w.h.baseUrl}/lti/launch`, { form: { error: 'login_required', error_description: 'no session', state: 'x'.repeat(43) } });
    assert.equal(res.status, 502);
    assert.equal(reasonOf(res.body), 'partner_error');
  });
});

describe('Canvas simulator', function () {
  it('refuses an auth request whose redirect_uri is not registered', async () => {
    const sim = await CanvasSimulator.start();
    try {
      const params = sim.loginParams({ user: { sub: 'u1' } });
      const url = new URL(sim.authEndpoint);
      Object.entries({ scope: 'openid', response_type: 'id_token', response_mode: 'form_post', prompt: 'none', client_id: sim.clientId, redirect_uri: 'https://evil.example/steal', login_hint: 'u1', state: 's', nonce: 'n', lti_message_hint: params.lti_message_hint! }).forEach(([k, v]) => url.searchParams.set(k, v));
      await assert.rejects(sim.authorize(url.toString()), /redirect_uri is not registered/);
    } finally {
      await sim.close();
    }
  });
});
