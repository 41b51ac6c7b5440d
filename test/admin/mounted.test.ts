import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../support/harness';

/** The router inside the whole app: its JSON answers must win over the app's HTML pages. */
describe('admin API mounted in the LaunchGate app', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h?.close());

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${h.baseUrl}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${h.operatorToken}`, ...init.headers } });

  it('answers unknown API routes and malformed JSON with JSON errors', async () => {
    const missing = await call('/nowhere');
    assert.equal(missing.status, 404);
    assert.match(missing.headers.get('content-type') ?? '', /application\/json/);
    const malformed = await call('/organizations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: string } }).error.code, 'invalid_json');
  });

  it('records the request id the app assigned in the audit event', async () => {
    const res = await call('/organizations', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'mounted-req-1' }, body: '{"name":"Mounted"}' });
    assert.equal(res.status, 201);
    const org = (await res.json()) as { id: string };
    const events = await h.store.listAudit({ orgId: org.id }, { limit: 10, offset: 0 });
    assert.equal(events.items[0]?.requestId, 'mounted-req-1');
  });
});
