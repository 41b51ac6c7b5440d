import assert from 'node:assert/strict';
import { CANVAS_CLOUD_ENDPOINTS, issueClaimCode, newClaimCode } from '../../src/admin/services';
import type { CanvasSettings } from '../../src/store/model';
import { seedOrg, startApi, type TestApi } from './support';

describe('admin API: connections', () => {
  let api: TestApi;
  let orgA: { orgId: string; directoryId: string };
  let orgB: { orgId: string; directoryId: string };

  before(async () => {
    api = await startApi();
    orgA = await seedOrg(api, 'Org A');
    orgB = await seedOrg(api, 'Org B');
  });
  after(() => api?.close());

  const canvas = (deploymentIds: string[], extra: Record<string, unknown> = {}) => ({
    partner: 'canvas',
    issuer: 'https://canvas.instructure.com',
    clientId: '10000000000001',
    deploymentIds,
    ...extra,
  });

  async function pending(clientId: string) {
    const settings: CanvasSettings = { partner: 'canvas', issuer: 'https://canvas.instructure.com', clientId, deploymentIds: [`dep-${clientId}`], ...CANVAS_CLOUD_ENDPOINTS };
    return api.store.createConnection({ status: 'pending', orgId: null, directoryId: null, settings, enabled: true, trustEmail: false, label: 'Springfield Canvas' });
  }

  it('links a Canvas tenant with Instructure cloud endpoints by default', async () => {
    const res = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: canvas(['1:abc', '1:abc', '2:def']) });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'linked');
    assert.equal(res.body.orgId, orgA.orgId);
    assert.equal(res.body.enabled, true);
    assert.equal(res.body.trustEmail, true, 'email trust is on unless the admin turns it off');
    assert.deepEqual(res.body.settings, {
      partner: 'canvas',
      issuer: 'https://canvas.instructure.com',
      clientId: '10000000000001',
      deploymentIds: ['1:abc', '2:def'],
      ...CANVAS_CLOUD_ENDPOINTS,
    });
    const list = await api.call('GET', `/directories/${orgA.directoryId}/connections`);
    assert.ok(list.body.items.some((c: { id: string }) => c.id === res.body.id));
    assert.equal((await api.call('GET', `/connections/${res.body.id}`)).body.id, res.body.id);
  });

  it('links Clever and ClassLink tenants, and allows plain http only for localhost', async () => {
    const clever = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: { partner: 'clever', districtId: 'd-1', trustEmail: true } });
    assert.equal(clever.status, 201);
    assert.deepEqual(clever.body.settings, { partner: 'clever', districtId: 'd-1' });
    assert.equal(clever.body.trustEmail, true);
    const classlink = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: { partner: 'classlink', tenantId: 't-1', label: 'ClassLink' } });
    assert.equal(classlink.status, 201);
    assert.equal(classlink.body.label, 'ClassLink');
    const local = await api.call('POST', `/directories/${orgA.directoryId}/connections`, {
      body: canvas(['sim'], {
        issuer: 'http://127.0.0.1:4000',
        clientId: 'sim-client',
        authEndpoint: 'http://localhost:4000/auth',
        tokenEndpoint: 'http://localhost:4000/token',
        jwksUrl: 'http://localhost:4000/jwks',
      }),
    });
    assert.equal(local.status, 201);
  });

  it('refuses plain-http, credential-bearing and non-URL endpoints', async () => {
    for (const [extra, field] of [
      [{ issuer: 'http://canvas.example.edu' }, 'issuer'],
      [{ jwksUrl: 'http://canvas.example.edu/jwks' }, 'jwksUrl'],
      [{ authEndpoint: 'https://user:pass@canvas.example.edu/auth' }, 'authEndpoint'],
      [{ tokenEndpoint: 'javascript:alert(1)' }, 'tokenEndpoint'],
      [{ issuer: 'not a url' }, 'issuer'],
    ] as const) {
      const res = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: canvas(['x'], { clientId: 'c-url', ...extra }) });
      assert.equal(res.status, 400, JSON.stringify(extra));
      assert.equal(res.body.error.field, field);
    }
  });

  it('refuses bad connection bodies: unknown partner, missing deployment ids, too many, fields of another partner', async () => {
    const url = `/directories/${orgA.directoryId}/connections`;
    const badPartner = await api.call('POST', url, { body: { partner: 'moodle', districtId: 'x' } });
    assert.equal(badPartner.status, 400);
    assert.equal(badPartner.body.error.field, 'partner');
    const empty = await api.call('POST', url, { body: canvas([]) });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.field, 'deploymentIds');
    const many = await api.call('POST', url, { body: canvas(Array.from({ length: 51 }, (_, i) => `d${i}`)) });
    assert.equal(many.status, 400);
    const mixed = await api.call('POST', url, { body: { partner: 'clever', districtId: 'd-9', tenantId: 't-9' } });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body.error.field, 'tenantId');
  });

  it('refuses a tenant already linked, even by another organization (409)', async () => {
    assert.equal((await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: { partner: 'clever', districtId: 'taken' } })).status, 201);
    const res = await api.call('POST', `/directories/${orgB.directoryId}/connections`, { body: { partner: 'clever', districtId: 'taken' } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'conflict');
    assert.equal(res.body.error.field, 'districtId');
    const deployment = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: canvas(['dup'], { clientId: 'dup-client' }) });
    assert.equal(deployment.status, 201);
    const again = await api.call('POST', `/directories/${orgB.directoryId}/connections`, { body: canvas(['dup', 'fresh'], { clientId: 'dup-client' }) });
    assert.equal(again.status, 409);
  });

  it('updates enabled, trustEmail, label and Canvas deployment ids', async () => {
    const created = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: canvas(['p1'], { clientId: 'patch-client' }) });
    const res = await api.call('PATCH', `/connections/${created.body.id}`, {
      body: { enabled: false, trustEmail: true, label: 'Main Canvas', deploymentIds: ['p1', 'p2'] },
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.enabled, false);
    assert.equal(res.body.trustEmail, true);
    assert.equal(res.body.label, 'Main Canvas');
    assert.deepEqual(res.body.settings.deploymentIds, ['p1', 'p2']);
  });

  it('refuses a deployment id another connection already links (409)', async () => {
    await api.call('POST', `/directories/${orgB.directoryId}/connections`, { body: canvas(['b-dep'], { clientId: 'shared-client' }) });
    const mine = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: canvas(['a-dep'], { clientId: 'shared-client' }) });
    const res = await api.call('PATCH', `/connections/${mine.body.id}`, { body: { deploymentIds: ['a-dep', 'b-dep'] } });
    assert.equal(res.status, 409);
    assert.equal(res.body.error.field, 'deploymentIds');
    assert.deepEqual((await api.call('GET', `/connections/${mine.body.id}`)).body.settings.deploymentIds, ['a-dep']);
  });

  it('refuses deployment ids on a non-Canvas connection and an empty patch', async () => {
    const clever = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: { partner: 'clever', districtId: 'd-patch' } });
    const res = await api.call('PATCH', `/connections/${clever.body.id}`, { body: { deploymentIds: ['x'] } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, 'deploymentIds');
    assert.equal((await api.call('PATCH', `/connections/${clever.body.id}`, { body: {} })).status, 400);
  });

  it('unlinks a connection', async () => {
    const created = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: { partner: 'classlink', tenantId: 'gone' } });
    assert.equal((await api.call('DELETE', `/connections/${created.body.id}`)).status, 204);
    assert.equal((await api.call('GET', `/connections/${created.body.id}`)).status, 404);
    assert.equal((await api.call('DELETE', `/connections/${created.body.id}`)).status, 404);
  });

  it('lists pending connections and links one to a directory', async () => {
    const waiting = await pending('dyn-1');
    const list = await api.call('GET', '/connections?status=pending');
    assert.equal(list.status, 200);
    assert.ok(list.body.items.every((c: { status: string }) => c.status === 'pending'));
    assert.ok(list.body.items.some((c: { id: string }) => c.id === waiting.id));
    const linked = await api.call('POST', `/connections/${waiting.id}/link`, { body: { directoryId: orgB.directoryId } });
    assert.equal(linked.status, 200);
    assert.equal(linked.body.status, 'linked');
    assert.equal(linked.body.orgId, orgB.orgId);
    assert.equal(linked.body.directoryId, orgB.directoryId);
    const again = await api.call('POST', `/connections/${waiting.id}/link`, { body: { directoryId: orgA.directoryId } });
    assert.equal(again.status, 409);
  });

  it('an organization admin does not see pending registrations: not listed, and 404 by id', async () => {
    const token = await api.orgAdminToken(orgA.orgId);
    const waiting = await pending('dyn-2');
    const list = await api.call('GET', '/connections?status=pending', { token });
    assert.deepEqual(list.body.items, []);
    const all = await api.call('GET', '/connections', { token });
    assert.ok(all.body.items.every((c: { orgId: string | null }) => c.orgId === orgA.orgId));
    assert.equal((await api.call('GET', `/connections/${waiting.id}`, { token })).status, 404);
    assert.equal((await api.call('PATCH', `/connections/${waiting.id}`, { token, body: { enabled: false } })).status, 404);
    assert.equal((await api.call('DELETE', `/connections/${waiting.id}`, { token })).status, 404);
    assert.equal((await api.store.getConnection(waiting.id))?.status, 'pending');
  });

  it('attack: an organization admin of another org cannot link a pending registration without its claim code (404, audited)', async () => {
    const token = await api.orgAdminToken(orgB.orgId);
    const waiting = await pending('dyn-3');
    await issueClaimCode(api.store.ephemeral, waiting.id, new Date());
    const before = (await api.store.listAudit({ orgId: orgB.orgId, reason: 'connection.claim_refused' }, { limit: 1, offset: 0 })).total;
    const missing = await api.call('POST', `/connections/${waiting.id}/link`, { token, body: { directoryId: orgB.directoryId } });
    assert.equal(missing.status, 404);
    const wrong = await api.call('POST', `/connections/${waiting.id}/link`, { token, body: { directoryId: orgB.directoryId, claimCode: newClaimCode() } });
    assert.equal(wrong.status, 404);
    const unknown = await api.call('POST', '/connections/no-such-id/link', { token, body: { directoryId: orgB.directoryId, claimCode: newClaimCode() } });
    assert.deepEqual(wrong.body.error.code, unknown.body.error.code, 'a wrong code answers exactly like an id that does not exist');
    assert.equal((await api.store.getConnection(waiting.id))?.status, 'pending');
    const refused = await api.store.listAudit({ orgId: orgB.orgId, reason: 'connection.claim_refused' }, { limit: 10, offset: 0 });
    assert.equal(refused.total, before + 3);
  });

  it("attack: another registration's claim code does not link this one", async () => {
    const token = await api.orgAdminToken(orgB.orgId);
    const target = await pending('dyn-4');
    const mine = await pending('dyn-5');
    const myCode = await issueClaimCode(api.store.ephemeral, mine.id, new Date());
    await issueClaimCode(api.store.ephemeral, target.id, new Date());
    const res = await api.call('POST', `/connections/${target.id}/link`, { token, body: { directoryId: orgB.directoryId, claimCode: myCode } });
    assert.equal(res.status, 404);
    assert.equal((await api.store.getConnection(target.id))?.status, 'pending');
  });

  it('with the right claim code an organization admin links the registration into its own directory, once', async () => {
    const tokenA = await api.orgAdminToken(orgA.orgId);
    const tokenB = await api.orgAdminToken(orgB.orgId);
    const waiting = await pending('dyn-6');
    const code = await issueClaimCode(api.store.ephemeral, waiting.id, new Date());
    // The code does not open another organization's directory.
    const intoOther = await api.call('POST', `/connections/${waiting.id}/link`, { token: tokenA, body: { directoryId: orgB.directoryId, claimCode: code } });
    assert.equal(intoOther.status, 404);
    // Typed loosely (lower case, spaces): still the code.
    const loose = code.toLowerCase().replace(/-/g, ' ');
    const linked = await api.call('POST', `/connections/${waiting.id}/link`, { token: tokenA, body: { directoryId: orgA.directoryId, claimCode: loose } });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.equal(linked.body.orgId, orgA.orgId);
    assert.equal((await api.call('GET', `/connections/${waiting.id}`, { token: tokenA })).status, 200);
    // Single use: the same code claims nothing any more, for anyone.
    const replay = await api.call('POST', `/connections/${waiting.id}/link`, { token: tokenB, body: { directoryId: orgB.directoryId, claimCode: code } });
    assert.equal(replay.status, 404);
    assert.equal((await api.store.getConnection(waiting.id))?.orgId, orgA.orgId);
    const events = await api.store.listAudit({ orgId: orgA.orgId, reason: 'connection.linked' }, { limit: 1, offset: 0 });
    assert.equal(events.items[0]?.detail?.claimedWithCode, true);
  });

  it('a code for a registration the operator linked meanwhile claims nothing (404, not a conflict that reveals it)', async () => {
    const token = await api.orgAdminToken(orgB.orgId);
    const waiting = await pending('dyn-7');
    const code = await issueClaimCode(api.store.ephemeral, waiting.id, new Date());
    assert.equal((await api.call('POST', `/connections/${waiting.id}/link`, { body: { directoryId: orgA.directoryId } })).status, 200);
    const late = await api.call('POST', `/connections/${waiting.id}/link`, { token, body: { directoryId: orgB.directoryId, claimCode: code } });
    assert.equal(late.status, 404);
  });

  it('links a pending registration with deployment ids added to those it recorded', async () => {
    const waiting = await pending('dyn-8');
    const res = await api.call('POST', `/connections/${waiting.id}/link`, { body: { directoryId: orgA.directoryId, deploymentIds: ['extra:1', 'dep-dyn-8'] } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.settings.deploymentIds, ['dep-dyn-8', 'extra:1']);
  });

  for (const [environment, issuer, sso] of [
    ['beta', 'https://canvas.beta.instructure.com', 'https://sso.beta.canvaslms.com'],
    ['test', 'https://canvas.test.instructure.com', 'https://sso.test.canvaslms.com'],
  ] as const) {
    it(`defaults a ${environment} Canvas issuer to its own environment's endpoints, never production's`, async () => {
      const res = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: canvas([`${environment}:1`], { issuer, clientId: `${environment}-key` }) });
      assert.equal(res.status, 201);
      assert.equal(res.body.settings.authEndpoint, `${sso}/api/lti/authorize_redirect`);
      assert.equal(res.body.settings.jwksUrl, `${sso}/api/lti/security/jwks`);
      assert.equal(res.body.settings.tokenEndpoint, `${issuer}/login/oauth2/token`);
    });
  }

  it("defaults a self-hosted Canvas issuer to endpoints on its own host, not Instructure's", async () => {
    const res = await api.call('POST', `/directories/${orgA.directoryId}/connections`, { body: canvas(['self:1'], { issuer: 'https://canvas.district.example', clientId: 'self-key' }) });
    assert.equal(res.status, 201);
    assert.deepEqual(
      [res.body.settings.authEndpoint, res.body.settings.tokenEndpoint, res.body.settings.jwksUrl],
      ['https://canvas.district.example/api/lti/authorize_redirect', 'https://canvas.district.example/login/oauth2/token', 'https://canvas.district.example/api/lti/security/jwks'],
    );
  });
});

describe('admin API: connections in production (no partner endpoints on private networks)', () => {
  let api: TestApi;
  let org: { orgId: string; directoryId: string };
  before(async () => {
    api = await startApi({ refusePrivateHosts: true });
    org = await seedOrg(api, 'Org P');
  });
  after(() => api?.close());

  const canvas = (clientId: string, extra: Record<string, unknown>) => ({
    partner: 'canvas',
    issuer: 'https://canvas.district.example',
    clientId,
    deploymentIds: [`${clientId}:1`],
    ...extra,
  });

  const refused: [Record<string, string>, string][] = [
    [{ jwksUrl: 'https://169.254.169.254/latest/meta-data/' }, 'jwksUrl'],
    [{ jwksUrl: 'https://10.0.0.5/api/lti/security/jwks' }, 'jwksUrl'],
    [{ jwksUrl: 'https://[::ffff:10.0.0.5]/jwks' }, 'jwksUrl'],
    [{ jwksUrl: 'https://[64:ff9b::a00:5]/jwks' }, 'jwksUrl'],
    [{ jwksUrl: 'https://[2002:a00:5::1]/jwks' }, 'jwksUrl'],
    [{ tokenEndpoint: 'https://127.1/login/oauth2/token' }, 'tokenEndpoint'],
    [{ tokenEndpoint: 'https://[fd00::1]/token' }, 'tokenEndpoint'],
    [{ authEndpoint: 'https://192.168.1.10/api/lti/authorize_redirect' }, 'authEndpoint'],
    [{ authEndpoint: 'http://localhost:4000/auth' }, 'authEndpoint'],
    [{ issuer: 'https://172.16.0.9' }, 'issuer'],
  ];
  for (const [extra, field] of refused) {
    it(`attack: refuses ${field} at ${Object.values(extra)[0]} with a 400 naming the field`, async () => {
      const res = await api.call('POST', `/directories/${org.directoryId}/connections`, { body: canvas('c-private', extra) });
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'invalid_input');
      assert.equal(res.body.error.field, field);
      assert.match(res.body.error.message, new RegExp(`^${field} must point at a server on the public internet`));
      assert.deepEqual(await api.store.listConnections({ directoryId: org.directoryId }), [], 'nothing was linked');
    });
  }

  it('links a Canvas tenant whose endpoints are public addresses or names (names are checked at fetch time)', async () => {
    const res = await api.call('POST', `/directories/${org.directoryId}/connections`, {
      body: canvas('c-public', { jwksUrl: 'https://93.184.216.34/jwks', tokenEndpoint: 'https://[2606:4700::1111]/token' }),
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.settings.authEndpoint, 'https://canvas.district.example/api/lti/authorize_redirect');
  });
});
