/**
 * Registering LaunchGate in Canvas: the developer key JSON Canvas accepts, the tool JWKS ltijs
 * serves, and LTI Dynamic Registration against a simulated Canvas, which leaves a pending
 * connection that launches only once an admin links it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CanvasSimulator, validateDeveloperKeyJson, validateRegistrationRequest } from '../simulator';
import { generateToken, hashToken } from '../../../src/admin/auth';
import { registrationOverrides } from '../developer-key';
import { HttpFailure } from '../http';
import { startLtijs } from '../ltijs/runtime';
import { lastCheck, newBrowser, reasonOf, startCanvasWorld, type CanvasWorld } from './helpers';

describe('Canvas registration', function () {
  let w: CanvasWorld;
  before(async () => {
    w = await startCanvasWorld({ link: false });
  });
  after(async () => {
    await w?.close();
  });

  it('GET /lti/canvas.json is a developer key Canvas accepts, built from PUBLIC_URL', async () => {
    const res = await fetch(`${w.h.baseUrl}/lti/canvas.json`);
    assert.equal(res.status, 200);
    const json = (await res.json()) as Record<string, unknown> & { extensions: Array<Record<string, unknown> & { settings: { placements: Array<{ placement: string }> } }> };
    assert.deepEqual(validateDeveloperKeyJson(json), []);
    assert.equal(json.oidc_initiation_url, `${w.h.baseUrl}/lti/login`);
    assert.equal(json.target_link_uri, `${w.h.baseUrl}/lti/launch`);
    assert.equal(json.public_jwk_url, `${w.h.baseUrl}/lti/keys`);
    const canvas = json.extensions[0]!;
    assert.equal(canvas.platform, 'canvas.instructure.com');
    assert.equal(canvas.privacy_level, 'public');
    assert.deepEqual(canvas.settings.placements.map((p) => p.placement).sort(), ['account_navigation', 'course_navigation']);
    const icon = await fetch(String((canvas.settings as Record<string, unknown>).icon_url));
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
  });

  it('the validator catches what Canvas would refuse', () => {
    assert.ok(validateDeveloperKeyJson({ title: 'x', description: 'y', oidc_initiation_url: 'nope', extensions: [] }).length >= 3);
    assert.deepEqual(validateRegistrationRequest(registrationOverrides({ publicUrl: new URL('https://lg.example'), title: 'LaunchGate', description: 'd' })), []);
    assert.ok(validateRegistrationRequest({ application_type: 'web' }).length > 5);
  });

  it('ltijs’s default registration request is refused by the simulated Canvas, as by Canvas; with LaunchGate’s overrides it is accepted', async () => {
    const sim = await CanvasSimulator.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-ltijs-default-'));
    const publicUrl = new URL('https://launchgate.example');
    const ltijs = await startLtijs({
      storage: { kind: 'sqlite', file: path.join(dir, 'ltijs.sqlite') },
      encryptionKey: 'test-encryption-key',
      publicUrl,
      toolName: 'LaunchGate',
      description: 'd',
      iconUrl: 'https://launchgate.example/lti/icon.svg',
      fetch: (input, init) => fetch(input, init),
      now: () => new Date(),
      onError: () => {},
    });
    try {
      const seam = (bearer: string) => ({ bearer, check() {}, record() {} });
      const send = (overrides?: Record<string, unknown>) => {
        const token = sim.issueRegistrationToken();
        return ltijs.http.run(seam(token), () => ltijs.dynamicRegistration.register(sim.openidConfigurationUrl, token, overrides));
      };

      await assert.rejects(send(), (err: unknown) => err instanceof HttpFailure && err.status === 422);
      const problems = sim.rejectedRegistrations.at(-1) ?? [];
      assert.ok(problems.some((p) => /^Invalid scopes: .*lti-ags\/scope\/lineitem/.test(p)), problems.join('; '));
      assert.equal(sim.registrations.length, 0);

      await send(registrationOverrides({ publicUrl, title: 'LaunchGate', description: 'd' }));
      assert.equal(sim.rejectedRegistrations.length, 1);
      assert.equal(sim.registrations.length, 1);
      assert.deepEqual(validateRegistrationRequest(sim.registrations[0]!.request, { scopesSupported: [] }), [], 'LaunchGate asks for no scope at all');
    } finally {
      await ltijs.close();
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GET /lti/keys is ltijs’s tool key set: RS256 keys, public CORS without credentials, no cross-origin isolation headers', async () => {
    const res = await fetch(`${w.h.baseUrl}/lti/keys`, { headers: { origin: 'https://evil.example', cookie: 'x=y' } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { keys: Array<{ kty: string; alg: string; kid: string; use: string }> };
    assert.ok(body.keys.length >= 1);
    for (const key of body.keys) {
      assert.equal(key.kty, 'RSA');
      assert.equal(key.alg, 'RS256');
      assert.equal(key.use, 'sig');
    }
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), null);
    assert.equal(res.headers.get('cross-origin-opener-policy'), null);
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
  });

  it('Canvas pages under /lti can be framed by Canvas, and no /lti answer reflects an Origin with credentials', async () => {
    const res = await fetch(`${w.h.baseUrl}/lti/login`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.notEqual(res.headers.get('access-control-allow-origin'), 'https://evil.example');
    const login = await fetch(`${w.h.baseUrl}/lti/login?iss=x`, { headers: { origin: 'https://evil.example' }, redirect: 'manual' });
    assert.equal(login.headers.get('x-frame-options'), null);
    assert.match(login.headers.get('content-security-policy') ?? '', /frame-ancestors \*/);
    assert.equal(login.headers.get('access-control-allow-credentials'), null);
  });

  it('dynamic registration registers a pending connection; launches are refused until an admin links it', async () => {
    const page = await fetch(w.sim.registrationUrl(`${w.h.baseUrl}/lti/register`));
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.deepEqual(w.sim.rejectedRegistrations, []);
    assert.equal(w.sim.registrations.length, 1);
    const registered = w.sim.registrations[0]!;
    assert.match(html, /org\.imsglobal\.lti\.close/);
    assert.match(html, /addEventListener\('click'/, 'the dialog closes when the admin is done with the code, not at once');
    assert.ok(html.includes(registered.clientId));
    const claimCode = /data-testid="claim-code">([0-9A-Z-]+)</.exec(html)?.[1];
    assert.ok(claimCode, 'the done page shows a claim code');
    assert.match(html, /Give this code to your LaunchGate admin/);

    const request = registered.request;
    assert.equal(request.initiate_login_uri, `${w.h.baseUrl}/lti/login`);
    assert.deepEqual(request.redirect_uris, [`${w.h.baseUrl}/lti/launch`]);
    assert.equal(request.jwks_uri, `${w.h.baseUrl}/lti/keys`);
    const tool = request['https://purl.imsglobal.org/spec/lti-tool-configuration'] as Record<string, unknown>;
    assert.equal(tool['https://canvas.instructure.com/lti/privacy_level'], 'public');

    const [connection] = await w.h.store.findCanvasConnections(w.sim.issuer, registered.clientId);
    assert.ok(connection, 'a connection was recorded');
    assert.equal(connection.status, 'pending');
    assert.equal(connection.directoryId, null);
    assert.deepEqual(connection.settings.partner === 'canvas' && connection.settings.deploymentIds, [registered.deploymentId]);
    assert.match(connection.label ?? '', /Lincoln Unified/);

    const spec = () => ({ user: w.student(), clientId: registered.clientId, deploymentId: registered.deploymentId });
    const before = await w.sim.launch(newBrowser(), w.h.baseUrl, spec());
    assert.equal(before.final.status, 403);
    assert.equal(reasonOf(before.final.body), 'connection_not_linked');
    assert.equal(await lastCheck(w.h), 'connection_pending');

    // The school's own admin links it, with the code the Canvas admin passed on; without it, 404.
    const orgAdminToken = generateToken();
    await w.h.store.createApiToken({ name: 'school admin', role: 'org_admin', orgId: w.tenant.org.id, tokenHash: hashToken(orgAdminToken) });
    const link = (body: Record<string, string>) =>
      fetch(`${w.h.baseUrl}/api/v1/connections/${connection.id}/link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${orgAdminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ directoryId: w.tenant.directory.id, ...body }),
      });
    assert.equal((await link({})).status, 404);
    const linked = await link({ claimCode: claimCode! });
    assert.equal(linked.status, 200, await linked.text());
    const after = await w.sim.launch(newBrowser(), w.h.baseUrl, spec());
    assert.equal(after.final.status, 303);

    const keys = (await (await fetch(`${w.h.baseUrl}/lti/keys`)).json()) as { keys: unknown[] };
    assert.ok(keys.keys.length >= 2, 'ltijs generated a tool key for the registered platform');
  });

  it('registration fails cleanly without a valid registration token, or with a non-https configuration URL', async () => {
    const noToken = new URL(`${w.h.baseUrl}/lti/register`);
    noToken.searchParams.set('openid_configuration', w.sim.openidConfigurationUrl);
    noToken.searchParams.set('registration_token', 'forged');
    const refused = await fetch(noToken);
    assert.equal(refused.status, 502);
    assert.match(await refused.text(), /could not register/);

    const insecure = new URL(`${w.h.baseUrl}/lti/register`);
    insecure.searchParams.set('openid_configuration', 'http://canvas.example/api/lti/security/openid-configuration');
    assert.equal((await fetch(insecure)).status, 400);
    assert.equal((await fetch(`${w.h.baseUrl}/lti/register`)).status, 400);
  });
});
