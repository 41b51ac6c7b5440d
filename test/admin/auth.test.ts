import assert from 'node:assert/strict';
import { bearerToken, generateToken, hashToken } from '../../src/admin/auth';
import { startApi, type TestApi } from './support';

describe('admin API authentication', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api?.close());

  it('generates prefixed 32-byte base64url tokens and stores only their sha256', () => {
    const token = generateToken();
    assert.match(token, /^lg_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(generateToken(), token);
    assert.match(hashToken(token), /^[0-9a-f]{64}$/);
    assert.equal(hashToken('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('reads only well-formed Bearer headers', () => {
    assert.equal(bearerToken('Bearer lg_abc'), 'lg_abc');
    assert.equal(bearerToken('bearer lg_abc'), 'lg_abc');
    assert.equal(bearerToken('Basic dXNlcjpwYXNz'), null);
    assert.equal(bearerToken('Bearer '), null);
    assert.equal(bearerToken('Bearer a b'), null);
    assert.equal(bearerToken(`Bearer ${'a'.repeat(600)}`), null);
    assert.equal(bearerToken(undefined), null);
  });

  it('refuses a request without a token with 401 and WWW-Authenticate: Bearer', async () => {
    const res = await api.call('GET', '/organizations', { token: null });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
  });

  it('refuses an unknown token with 401 invalid_token', async () => {
    const res = await api.call('GET', '/organizations', { token: generateToken() });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('refuses the hash of a token used as the token', async () => {
    const res = await api.call('GET', '/organizations', { token: hashToken(api.operatorToken) });
    assert.equal(res.status, 401);
  });

  it('refuses a non-Bearer scheme', async () => {
    const res = await api.call('GET', '/organizations', { token: null, headers: { authorization: `Basic ${api.operatorToken}` } });
    assert.equal(res.status, 401);
  });

  it('refuses a revoked token', async () => {
    const token = generateToken();
    const record = await api.store.createApiToken({ name: 'soon revoked', role: 'operator', orgId: null, tokenHash: hashToken(token) });
    assert.equal((await api.call('GET', '/organizations', { token })).status, 200);
    await api.store.revokeApiToken(record.id, new Date());
    const res = await api.call('GET', '/organizations', { token });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthorized');
  });

  it('refuses an org_admin token that names no organization', async () => {
    const token = generateToken();
    await api.store.createApiToken({ name: 'broken', role: 'org_admin', orgId: null, tokenHash: hashToken(token) });
    assert.equal((await api.call('GET', '/organizations', { token })).status, 401);
  });

  it('records when a token was last used', async () => {
    const token = generateToken();
    const record = await api.store.createApiToken({ name: 'tracked', role: 'operator', orgId: null, tokenHash: hashToken(token) });
    assert.equal(record.lastUsedAt, null);
    await api.call('GET', '/products', { token });
    // The touch is not awaited by the request; give it a turn of the event loop.
    await new Promise((resolve) => setImmediate(resolve));
    const after = await api.store.findApiTokenByHash(hashToken(token));
    assert.ok(after?.lastUsedAt instanceof Date);
  });

  it('serves the OpenAPI document without a token', async () => {
    const res = await api.call('GET', '/openapi.json', { token: null });
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
  });

  it('does not let responses be cached', async () => {
    const res = await api.call('GET', '/organizations');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });
});
