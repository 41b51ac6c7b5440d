/**
 * The operator's audit pages at /admin/audit: "Launches not tied to an organization" (refusals of
 * tenants nobody linked, stored without an organization) and the log across organizations. An
 * organization admin cannot open them; the sandbox's link to such a refusal lands on it.
 */
import assert from 'node:assert/strict';
import { consoleUrlOf } from '../../src/sandbox/console-link';
import type { AuditEvent } from '../../src/store/model';
import type { NewAuditEvent } from '../../src/store/port';
import { seedOrg, startConsole, textOf, type ConsoleClient, type ConsoleWorld, type SeededOrg } from './support';

describe('admin console: audit pages of the deployment (operator)', () => {
  let w: ConsoleWorld;
  let a: SeededOrg;
  let operator: ConsoleClient;
  let orgAdmin: ConsoleClient;
  let unassigned: AuditEvent;

  const event = (fields: Partial<NewAuditEvent>): NewAuditEvent => ({
    time: w.clock.now(),
    kind: 'launch',
    orgId: null,
    directoryId: null,
    connectionId: null,
    partner: 'clever',
    subject: 'stray-subject',
    email: null,
    userId: null,
    productId: 'studio',
    decision: 'refused',
    reason: 'connection_not_linked',
    requestId: 'req-stray',
    actor: null,
    detail: { tenant: 'Clever district unlinked-district-42' },
    ...fields,
  });

  before(async () => {
    w = await startConsole();
    a = await seedOrg(w, 'Lincoln');
    await w.account('operator@example.org', 'operator');
    operator = await w.signedIn('operator@example.org');
    orgAdmin = await w.signedIn(a.adminEmail);
    unassigned = await w.store.appendAudit(event({}));
    await w.store.appendAudit(
      event({ orgId: a.orgId, directoryId: a.directoryId, subject: 'lincoln-subject', email: 'kid@lincoln.example', decision: 'allowed', reason: 'user_created', detail: null }),
    );
  });
  after(() => w?.close());

  it('lists launches not tied to an organization, with the tenant they came from, and nothing of any organization', async () => {
    const page = await operator.get('/admin/audit?org=none');
    assert.equal(page.status, 200);
    const text = textOf(page.body);
    assert.match(text, /Launches not tied to an organization/);
    assert.match(text, /1 event\./);
    assert.match(text, /stray-subject/);
    assert.match(text, /tenant: Clever district unlinked-district-42/);
    assert.match(text, /connection_not_linked/);
    assert.doesNotMatch(text, /kid@lincoln\.example/);
    assert.match(page.body, /<option value="none" selected>Launches not tied to an organization<\/option>/);
  });

  it('lists every organization’s events and those of none, saying whose each is, and filters by organization', async () => {
    const all = textOf((await operator.get('/admin/audit')).body);
    assert.match(all, /stray-subject/);
    assert.match(all, /kid@lincoln\.example/);
    assert.match(all, /Lincoln/);
    const one = textOf((await operator.get(`/admin/audit?org=${a.orgId}`)).body);
    assert.match(one, /kid@lincoln\.example/);
    assert.doesNotMatch(one, /stray-subject/);
    assert.match(textOf((await operator.get('/admin/audit?org=no-such-org')).body), /Some filters were ignored.*Unknown organization/);
  });

  it('exports the same events as CSV', async () => {
    const csv = await operator.get('/admin/audit.csv?org=none&decision=refused');
    assert.equal(csv.status, 200);
    const lines = csv.body.trim().split('\r\n');
    assert.match(lines[0]!, /"partner","organization","directory"/);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /"stray-subject"/);
    assert.match(lines[1]!, /"connection_not_linked"/);
  });

  it('keeps the organization filter across pages of results', async () => {
    const page = await operator.get('/admin/audit?org=none&partner=clever');
    assert.match(page.body, /href="\/admin\/audit\.csv\?org=none&amp;partner=clever"/);
  });

  it('the operator’s pages link to it', async () => {
    const home = await operator.get('/admin');
    assert.match(home.body, /href="\/admin\/audit\?org=none"/);
    const orgPage = await operator.get(`/admin/orgs/${a.orgId}`);
    assert.match(orgPage.body, /href="\/admin\/audit\?org=none"/);
    assert.doesNotMatch((await orgAdmin.get(`/admin/orgs/${a.orgId}`)).body, /href="\/admin\/audit\?org=none"/);
  });

  it('an organization admin cannot open it or its export (403), and sees none of it', async () => {
    for (const path of ['/admin/audit?org=none', '/admin/audit', `/admin/audit?org=${a.orgId}`, '/admin/audit.csv?org=none']) {
      const res = await orgAdmin.get(path);
      assert.equal(res.status, 403, path);
      assert.doesNotMatch(res.body, /stray-subject/);
    }
  });

  it('the sandbox’s link to a refusal of no organization opens a page that shows it', async () => {
    const url = consoleUrlOf(unassigned);
    assert.match(url, /^\/admin\/audit\?org=none&/);
    const page = await operator.get(url);
    assert.equal(page.status, 200);
    const text = textOf(page.body);
    assert.match(text, /1 event\./);
    assert.match(text, /stray-subject/);
  });
});
