import assert from 'node:assert/strict';
import { seedOrg, startApi, type TestApi } from './support';

describe('admin API: request validation', () => {
  let api: TestApi;
  let org: { orgId: string; directoryId: string };

  before(async () => {
    api = await startApi();
    org = await seedOrg(api, 'Validation');
  });
  after(() => api?.close());

  function assertInvalid(res: { status: number; body: { error: { code: string; field?: string; message: string } } }, field?: string) {
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'invalid_input');
    assert.equal(res.body.error.field, field);
    assert.ok(res.body.error.message.length > 0);
  }

  describe('bodies', () => {
    it('refuses an unknown field, naming it', async () => {
      const res = await api.call('POST', '/organizations', { body: { name: 'X', isOperator: true } });
      assertInvalid(res, 'isOperator');
      assert.match(res.body.error.message, /Unknown field "isOperator"/);
    });

    it('refuses an operator-like object where a string is expected', async () => {
      assertInvalid(await api.call('POST', '/organizations', { body: { name: { $gt: '' } } }), 'name');
      assertInvalid(await api.call('POST', `/directories/${org.directoryId}/licenses`, { body: { email: { $ne: null }, productId: 'studio' } }), 'email');
      assertInvalid(await api.call('POST', `/connections/x/link`, { body: { directoryId: { $regex: '.*' } } }), 'directoryId');
      assertInvalid(await api.call('PATCH', `/directories/${org.directoryId}`, { body: { jitEnabled: 'true' } }), 'jitEnabled');
    });

    it('refuses a missing body, an array body and a missing required field', async () => {
      assertInvalid(await api.call('POST', '/organizations'));
      assertInvalid(await api.call('POST', '/organizations', { body: [{ name: 'X' }] }));
      assertInvalid(await api.call('POST', '/organizations', { body: {} }), 'name');
    });

    it('trims strings and refuses blank or overlong ones', async () => {
      assertInvalid(await api.call('POST', '/organizations', { body: { name: '   ' } }), 'name');
      assertInvalid(await api.call('POST', '/organizations', { body: { name: 'x'.repeat(201) } }), 'name');
      const trimmed = await api.call('POST', `/organizations/${org.orgId}/directories`, { body: { name: '\t Teachers \n' } });
      assert.equal(trimmed.body.name, 'Teachers');
    });

    it('refuses malformed JSON with a JSON error, not an HTML page', async () => {
      const res = await api.call('POST', '/organizations', { rawBody: '{"name": "X",' });
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      assert.equal(res.body.error.code, 'invalid_json');
    });

    it('refuses a body that is not JSON (415)', async () => {
      const form = await api.call('POST', '/organizations', { rawBody: 'name=X', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(form.status, 415);
      assert.equal(form.body.error.code, 'unsupported_media_type');
      const text = await api.call('POST', '/organizations', { rawBody: '{"name":"X"}', headers: { 'content-type': 'text/plain' } });
      assert.equal(text.status, 415);
    });

    it('refuses a body over 100 kB (413)', async () => {
      const res = await api.call('POST', '/organizations', { body: { name: 'x'.repeat(110_000) } });
      assert.equal(res.status, 413);
      assert.equal(res.body.error.code, 'payload_too_large');
    });

    it('refuses a body on actions that take none', async () => {
      const claim = await api.call('POST', `/directories/${org.directoryId}/domains`, { body: { name: 'body.example' } });
      assertInvalid(await api.call('POST', `/domains/${claim.body.id}/verify`, { body: { force: true } }), 'force');
      assert.equal((await api.call('POST', `/domains/${claim.body.id}/verify`, { body: {} })).status, 200);
    });
  });

  describe('queries', () => {
    const users = () => `/organizations/${org.orgId}/users`;
    const audit = () => `/organizations/${org.orgId}/audit-events`;

    it('accepts limit 1-200 and offset >= 0, and defaults to 50', async () => {
      assert.equal((await api.call('GET', `${users()}?limit=1`)).status, 200);
      assert.equal((await api.call('GET', `${users()}?limit=200&offset=5`)).status, 200);
      assert.equal((await api.call('GET', users())).body.limit, 50);
      for (const bad of ['limit=0', 'limit=201', 'limit=abc', 'limit=1.5', 'offset=-1', 'limit=1&limit=2']) {
        assertInvalid(await api.call('GET', `${users()}?${bad}`), bad.slice(0, bad.indexOf('=')));
      }
    });

    it('refuses unknown and bracketed query parameters', async () => {
      assertInvalid(await api.call('GET', `${users()}?orgId=other`), 'orgId');
      assertInvalid(await api.call('GET', `${users()}?search[$ne]=x`), 'search[$ne]');
      assertInvalid(await api.call('GET', '/organizations?debug=1'), 'debug');
    });

    it('validates audit filters: enums and ISO dates', async () => {
      assert.equal((await api.call('GET', `${audit()}?decision=refused&reason=no_seats&partner=canvas&kind=launch`)).status, 200);
      assert.equal((await api.call('GET', `${audit()}?since=2025-01-01&until=2030-01-01T00:00:00Z`)).status, 200);
      assertInvalid(await api.call('GET', `${audit()}?decision=maybe`), 'decision');
      assertInvalid(await api.call('GET', `${audit()}?reason=DROP TABLE`), 'reason');
      assertInvalid(await api.call('GET', `${audit()}?partner=moodle`), 'partner');
      assertInvalid(await api.call('GET', `${audit()}?since=yesterday`), 'since');
      assertInvalid(await api.call('GET', `${audit()}?since=2025-01-01T10:00`), 'since');
      assertInvalid(await api.call('GET', `${audit()}?since=2025-02-01&until=2025-01-01`), 'since');
    });
  });

  describe('routes', () => {
    it('answers 404 JSON for an unknown route', async () => {
      const res = await api.call('GET', '/no/such/route');
      assert.equal(res.status, 404);
      assert.equal(res.body.error.code, 'not_found');
      const method = await api.call('DELETE', '/organizations');
      assert.equal(method.status, 404);
      assert.equal(method.body.error.code, 'not_found');
    });

    it('treats an overlong id as unknown', async () => {
      assert.equal((await api.call('GET', `/organizations/${'x'.repeat(500)}`)).status, 404);
    });
  });
});
