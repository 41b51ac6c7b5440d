import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import { linkConnection, seedTenant, startHarness, type Harness, type SeededTenant } from '../support/harness';
import { directPartner } from '../support/direct-partner';

describe('server: health, keys, handoff and refusal pages', function () {
  let h: Harness;
  let tenant: SeededTenant;

  before(async () => {
    h = await startHarness({ partners: () => [directPartner()] });
    tenant = await seedTenant(h.store, { jitEnabled: true, seats: 5 });
    await linkConnection(h.store, tenant, { partner: 'clever', districtId: 'district-1' });
  });
  after(async () => h.close());

  const identity = (subject: string, extra: Partial<LaunchIdentity> = {}): LaunchIdentity => ({
    partner: 'clever',
    tenant: { partner: 'clever', districtId: 'district-1' },
    subject,
    email: `${subject}@${tenant.domain}`,
    givenName: 'Ada',
    familyName: 'Lovelace',
    roles: ['student'],
    rawRoles: ['student'],
    ...extra,
  });

  async function launch(body: object): Promise<Response> {
    return fetch(`${h.baseUrl}/launch/direct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-abc' },
      body: JSON.stringify(body),
      redirect: 'manual',
    });
  }

  it('answers /healthz and /readyz with the store kind', async () => {
    assert.equal((await fetch(`${h.baseUrl}/healthz`)).status, 200);
    const ready = await fetch(`${h.baseUrl}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', store: 'sqlite' });
  });

  it('publishes its public signing key and no private parts', async () => {
    const jwks = (await (await fetch(`${h.baseUrl}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]!.kty, 'EC');
    assert.equal(jwks.keys[0]!.crv, 'P-256');
    assert.equal(jwks.keys[0]!.alg, 'ES256');
    assert.equal(jwks.keys[0]!.use, 'sig');
    assert.equal(jwks.keys[0]!.d, undefined);
  });

  it('hands an allowed launch to the product with a 60-second assertion a product can verify', async () => {
    const res = await launch({ identity: identity('ada') });
    assert.equal(res.status, 303);
    const target = new URL(res.headers.get('location')!);
    assert.equal(target.pathname, '/product/studio');
    const token = target.searchParams.get('assertion')!;
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${h.baseUrl}/.well-known/jwks.json`)), {
      issuer: h.baseUrl,
      audience: 'studio',
    });
    assert.equal(protectedHeader.typ, 'launchgate-assertion+jwt');
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(payload.access, 'user_created');
    assert.equal(payload.email, `ada@${tenant.domain}`);
    assert.deepEqual(payload.roles, ['student']);
    assert.equal(payload.partner, 'clever');
    assert.equal(payload.organization, tenant.org.id);
    assert.ok(payload.exp! - payload.iat! <= 60);
    assert.ok(typeof payload.jti === 'string');
  });

  it('the built-in product page shows who signed in, and refuses the same assertion twice', async () => {
    const res = await launch({ identity: identity('grace', { givenName: 'Grace', familyName: 'Hopper' }) });
    const productUrl = res.headers.get('location')!;
    const page = await fetch(productUrl);
    assert.equal(page.status, 200);
    const text = await page.text();
    assert.match(text, /Grace Hopper/);
    assert.match(text, /user_created/);
    const replay = await fetch(productUrl);
    assert.equal(replay.status, 401);
    assert.match(await replay.text(), /already used/);
  });

  it('the product page refuses a tampered or foreign assertion', async () => {
    const res = await launch({ identity: identity('alan') });
    const url = new URL(res.headers.get('location')!);
    const token = url.searchParams.get('assertion')!;
    const [head, body, sig] = token.split('.');
    const forgedBody = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), roles: ['admin'] })).toString('base64url');
    url.searchParams.set('assertion', `${head}.${forgedBody}.${sig}`);
    assert.equal((await fetch(url)).status, 401);
    url.searchParams.delete('assertion');
    assert.equal((await fetch(url)).status, 400);
  });

  it('explains a refusal in plain words with the reason code, and records it', async () => {
    const res = await launch({ identity: identity('eve', { email: 'eve@elsewhere.example' }) });
    assert.equal(res.status, 403);
    const text = await res.text();
    assert.match(text, /not from your school/);
    assert.match(text, /domain_not_claimed/);
    assert.match(text, /req-abc/);
    const audit = await h.store.listAudit({ reason: 'domain_not_claimed' }, { limit: 5, offset: 0 });
    assert.equal(audit.items[0]?.requestId, 'req-abc');
  });

  it('escapes partner-supplied text on pages', async () => {
    const res = await launch({ identity: identity('mallory', { givenName: '<img src=x onerror=alert(1)>', familyName: '' }) });
    const page = await (await fetch(res.headers.get('location')!)).text();
    assert.ok(!page.includes('<img src=x'));
    assert.match(page, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it('records a protocol failure as a refused launch with the check, and shows a generic page', async () => {
    const res = await launch({ fail: 'nonce_replayed' });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.match(text, /could not be verified/);
    assert.ok(!text.includes('test failure'), 'the precise cause stays in the log');
    const audit = await h.store.listAudit({ reason: 'launch_invalid' }, { limit: 5, offset: 0 });
    assert.equal(audit.items[0]?.detail?.check, 'nonce_replayed');
  });

  it('counts launches by partner, decision and reason in /metrics', async () => {
    const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
    assert.match(metrics, /launchgate_launches_total\{partner="clever",decision="allowed",reason="user_created"\} \d+/);
    assert.match(metrics, /launchgate_launches_total\{partner="clever",decision="refused",reason="domain_not_claimed"\} 1/);
    assert.match(metrics, /launchgate_launch_duration_seconds_bucket/);
  });

  it('lets launch pages be framed by Canvas but not the admin API', async () => {
    const product = await fetch(`${h.baseUrl}/product/studio`);
    assert.equal(product.headers.get('x-frame-options'), null);
    assert.match(product.headers.get('content-security-policy') ?? '', /frame-ancestors \*/);
    const root = await fetch(`${h.baseUrl}/`);
    assert.equal(root.headers.get('x-frame-options'), 'DENY');
  });

  it('answers unknown pages with a 404 page and a request id', async () => {
    const res = await fetch(`${h.baseUrl}/no/such/page`);
    assert.equal(res.status, 404);
    assert.ok(res.headers.get('x-request-id'));
  });
});
