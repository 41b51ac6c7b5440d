import assert from 'node:assert/strict';
import { JIT_OFF_TEXT } from '../../src/admin/console/views/directory';
import { issueClaimCode, newClaimCode } from '../../src/admin/services';
import type { NewAuditEvent } from '../../src/store/port';
import { seedOrg, startConsole, textOf, type ConsoleClient, type ConsoleWorld, type SeededOrg } from './support';

const XSS = '<img src=x onerror=alert(1)>';

describe('admin console pages', () => {
  let w: ConsoleWorld;
  let a: SeededOrg;
  let operator: ConsoleClient;
  let orgAdmin: ConsoleClient;
  let b: SeededOrg;
  let otherAdmin: ConsoleClient;
  const txt = new Map<string, string[][]>();

  before(async () => {
    w = await startConsole({
      resolveTxt: async (name) => {
        const found = txt.get(name);
        if (!found) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
        return found;
      },
    });
    a = await seedOrg(w, 'Lincoln');
    await w.account('operator@example.org', 'operator');
    operator = await w.signedIn('operator@example.org');
    orgAdmin = await w.signedIn(a.adminEmail);
    b = await seedOrg(w, 'Jefferson');
    otherAdmin = await w.signedIn(b.adminEmail);
  });
  after(() => w?.close());

  describe('directory settings', () => {
    it('states what turning just-in-time provisioning off means, with the checkbox labelled', async () => {
      const page = await orgAdmin.get(`/admin/directories/${a.directoryId}/settings`);
      assert.equal(page.status, 200);
      assert.ok(textOf(page.body).includes(JIT_OFF_TEXT));
      assert.match(JIT_OFF_TEXT, /When off, new users .* cannot access .* until you assign them a license/);
      assert.match(page.body, /<label class="check" for="jit"><input type="checkbox" id="jit" name="jitEnabled" checked aria-describedby="jit-on jit-off">/);
      assert.match(page.body, /<button type="submit">Save<\/button>/);
    });

    it('turns JIT off and on with Save, and records each change', async () => {
      const off = await orgAdmin.submit(`/admin/directories/${a.directoryId}/settings`, { name: 'Lincoln staff' });
      assert.match(textOf(off.body), /Saved\. Just-in-time user provisioning is off for Lincoln staff\./);
      assert.match(off.body, /aria-live="polite" role="status" id="messages"><div class="flash success">/);
      assert.equal((await w.store.getDirectory(a.directoryId))?.jitEnabled, false);
      await orgAdmin.submit(`/admin/directories/${a.directoryId}/settings`, { name: 'Lincoln staff', jitEnabled: 'on' });
      assert.equal((await w.store.getDirectory(a.directoryId))?.jitEnabled, true);
      const events = await w.store.listAudit({ orgId: a.orgId, reason: 'directory.updated' }, { limit: 10, offset: 0 });
      assert.equal(events.total, 2);
      assert.equal(events.items[0]?.actor, `admin:${a.adminId}`);
    });

    it('explains a refused save on the same page', async () => {
      const page = await orgAdmin.submit(`/admin/directories/${a.directoryId}/settings`, { name: '   ' });
      assert.match(textOf(page.body), /Not done: The directory needs a name\./);
    });
  });

  describe('domains', () => {
    let domainId: string;

    it('claims a domain and shows the TXT record to publish', async () => {
      const page = await orgAdmin.submit(`/admin/directories/${a.directoryId}/domains`, { name: 'Teachers.Lincoln.example' });
      const domain = (await w.store.findDomainByName('teachers.lincoln.example'))!;
      domainId = domain.id;
      const text = textOf(page.body);
      assert.match(text, /_launchgate-challenge\.teachers\.lincoln\.example/);
      assert.ok(text.includes(`launchgate-domain-verification=${domain.verificationToken}`));
    });

    it('says what DNS had when verification fails, and verifies when the record is there', async () => {
      txt.set('_launchgate-challenge.teachers.lincoln.example', [['some-other-value']]);
      const miss = await orgAdmin.submit(`/admin/domains/${domainId}/verify`);
      assert.match(textOf(miss.body), /TXT records were found .* but none is/);
      assert.match(textOf(miss.body), /Found: some-other-value/);
      const domain = (await w.store.getDomain(domainId))!;
      txt.set('_launchgate-challenge.teachers.lincoln.example', [['some-other-value'], [`launchgate-domain-verification=${domain.verificationToken}`]]);
      const hit = await orgAdmin.submit(`/admin/domains/${domainId}/verify`);
      assert.match(textOf(hit.body), /teachers\.lincoln\.example is verified/);
      assert.equal((await w.store.getDomain(domainId))?.status, 'verified');
    });

    it('offers operator verification to the operator only', async () => {
      const asAdmin = await orgAdmin.get(`/admin/directories/${a.directoryId}/domains`);
      assert.doesNotMatch(asAdmin.body, /operator-verify/);
      const refused = await orgAdmin.submit(`/admin/domains/${a.domainId}/operator-verify`);
      assert.match(textOf(refused.body), /Only the LaunchGate operator may verify a domain without DNS/);
      assert.equal((await w.store.getDomain(a.domainId))?.status, 'pending');
      const asOperator = await operator.get(`/admin/directories/${a.directoryId}/domains`);
      assert.match(asOperator.body, new RegExp(`/admin/domains/${a.domainId}/operator-verify`));
      const done = await operator.submit(`/admin/domains/${a.domainId}/operator-verify`);
      assert.match(textOf(done.body), /lincoln\.example is marked verified by the operator/);
      assert.equal((await w.store.getDomain(a.domainId))?.verifiedBy, 'operator');
    });

    it('removes a domain', async () => {
      const page = await orgAdmin.submit(`/admin/domains/${domainId}/remove`);
      assert.match(textOf(page.body), /Removed teachers\.lincoln\.example/);
      assert.equal(await w.store.getDomain(domainId), null);
    });
  });

  describe('identity and connections', () => {
    it('shows step 1 for each partner with this deployment’s URLs', async () => {
      const text = textOf((await orgAdmin.get(`/admin/directories/${a.directoryId}/connections`)).body);
      for (const url of ['/lti/canvas.json', '/lti/register', '/auth/clever/callback', '/auth/classlink/callback']) {
        assert.ok(text.includes(`${w.baseUrl}${url}`), url);
      }
      assert.match(text, /Step 1: register LaunchGate in Canvas/);
      assert.match(text, /Step 2: link the Canvas tenant to this directory/);
    });

    it('links a ClassLink tenant, disables, trusts and unlinks it', async () => {
      const linked = await orgAdmin.submit(`/admin/directories/${a.directoryId}/connections`, { partner: 'classlink', tenantId: 'tenant-42', enabled: 'on' });
      assert.match(textOf(linked.body), /Linked ClassLink tenant tenant-42 to this directory/);
      const connection = (await w.store.findConnectionByTenantKey(JSON.stringify(['classlink', 'tenant-42'])))!;
      assert.equal(connection.trustEmail, false, 'unchecked box: email not trusted');
      await orgAdmin.submit(`/admin/connections/${connection.id}/update`, { enabled: 'off' });
      assert.equal((await w.store.getConnection(connection.id))?.enabled, false);
      await orgAdmin.submit(`/admin/connections/${connection.id}/update`, { trustEmail: 'on' });
      assert.equal((await w.store.getConnection(connection.id))?.trustEmail, true);
      const unlinked = await orgAdmin.submit(`/admin/connections/${connection.id}/unlink`);
      assert.match(textOf(unlinked.body), /Unlinked ClassLink tenant tenant-42/);
      assert.equal(await w.store.getConnection(connection.id), null);
    });

    it('links Canvas deployments one per line, and says so when a tenant is taken', async () => {
      await orgAdmin.submit(`/admin/directories/${a.directoryId}/connections`, {
        partner: 'canvas', issuer: 'https://canvas.instructure.com', clientId: '10000000000042', deploymentIds: 'dep-1\r\ndep-2\r\n', trustEmail: 'on', enabled: 'on',
      });
      const [canvas] = await w.store.listConnections({ directoryId: a.directoryId, partner: 'canvas' });
      assert.deepEqual(canvas?.settings.partner === 'canvas' && canvas.settings.deploymentIds, ['dep-1', 'dep-2']);
      const again = await orgAdmin.submit(`/admin/directories/${a.directoryId}/connections`, { partner: 'clever', districtId: 'district-lincoln', enabled: 'on' });
      assert.match(textOf(again.body), /Not done: This partner tenant is already linked by another connection/);
    });

    const pendingCanvas = (clientId: string, deploymentIds: string[] = ['d-9']) =>
      w.store.createConnection({
        status: 'pending', orgId: null, directoryId: null, enabled: true, trustEmail: true, label: `Canvas ${XSS}`,
        settings: { partner: 'canvas', issuer: 'https://lincoln.instructure.com', clientId, deploymentIds, authEndpoint: 'https://a.example/auth', tokenEndpoint: 'https://a.example/token', jwksUrl: 'https://a.example/jwks' },
      });

    it('shows pending Canvas registrations to the operator only, escaped, with Link and Delete', async () => {
      const pending = await pendingCanvas('777');
      const mine = await orgAdmin.get(`/admin/directories/${a.directoryId}/connections`);
      assert.ok(!textOf(mine.body).includes('client ID 777'), 'an organization admin does not browse pending registrations');
      assert.match(textOf(mine.body), /Link a Canvas registration/);
      assert.match(mine.body, /name="claimCode"/);
      const page = await operator.get(`/admin/directories/${a.directoryId}/connections`);
      assert.ok(textOf(page.body).includes(`Canvas ${XSS}`));
      assert.ok(!page.body.includes(XSS));
      assert.ok(page.body.includes(`/admin/connections/${pending.id}/delete`));
      await w.store.deleteConnection(pending.id);
    });

    it('attack: an organization admin cannot link a pending registration by its id without the claim code (404)', async () => {
      const pending = await pendingCanvas('778');
      await issueClaimCode(w.store.ephemeral, pending.id, new Date());
      const res = await orgAdmin.post(`/admin/connections/${pending.id}/link`, { directoryId: a.directoryId });
      assert.equal(res.status, 404);
      assert.equal((await w.store.getConnection(pending.id))?.status, 'pending');
      await w.store.deleteConnection(pending.id);
    });

    it('attack: an organization admin of another org cannot claim with a wrong code; the right code links it, once', async () => {
      const pending = await pendingCanvas('779');
      const code = await issueClaimCode(w.store.ephemeral, pending.id, new Date());
      await otherAdmin.get(`/admin/directories/${b.directoryId}/connections`);
      const wrong = await otherAdmin.submit(`/admin/directories/${b.directoryId}/connections/claim`, { claimCode: newClaimCode() });
      assert.match(textOf(wrong.body), /Not done: No pending Canvas registration has that claim code/);
      assert.equal((await w.store.getConnection(pending.id))?.status, 'pending');
      const refused = await w.store.listAudit({ orgId: b.orgId, reason: 'connection.claim_refused' }, { limit: 10, offset: 0 });
      assert.equal(refused.total, 1);
      // The code does not open a directory of another organization either.
      const foreign = await otherAdmin.post(`/admin/directories/${a.directoryId}/connections/claim`, { claimCode: code });
      assert.equal(foreign.status, 404);

      const linked = await orgAdmin.submit(`/admin/directories/${a.directoryId}/connections/claim`, { claimCode: code });
      assert.match(textOf(linked.body), /Linked Canvas .* \(Canvas https:\/\/lincoln\.instructure\.com, client ID 779/);
      assert.ok(!linked.body.includes(XSS));
      const after = await w.store.getConnection(pending.id);
      assert.equal(after?.status, 'linked');
      assert.equal(after?.directoryId, a.directoryId);
      const replay = await otherAdmin.submit(`/admin/directories/${b.directoryId}/connections/claim`, { claimCode: code });
      assert.match(textOf(replay.body), /No pending Canvas registration has that claim code/);
      assert.equal((await w.store.getConnection(pending.id))?.orgId, a.orgId);
      await w.store.deleteConnection(pending.id);
    });

    it('links a pending registration with its claim code, then adds deployment IDs on the connection row', async () => {
      const pending = await pendingCanvas('780', []);
      const code = await issueClaimCode(w.store.ephemeral, pending.id, new Date());
      const linked = await orgAdmin.submit(`/admin/directories/${a.directoryId}/connections/claim`, { claimCode: code });
      assert.match(textOf(linked.body), /Add its deployment IDs below: launches are refused until then/);
      assert.ok(linked.body.includes(`id="deployments-${pending.id}"`), 'the connection row has a deployment-ID field');
      const saved = await orgAdmin.submit(`/admin/connections/${pending.id}/update`, { deploymentIds: '1:abc, 2:def\r\n3:ghi\r\n' });
      assert.match(textOf(saved.body), /Saved the deployment IDs/);
      const after = await w.store.getConnection(pending.id);
      assert.deepEqual(after?.settings.partner === 'canvas' && after.settings.deploymentIds, ['1:abc', '2:def', '3:ghi']);
      assert.ok(saved.body.includes('1:abc\n2:def\n3:ghi</textarea>'), 'the field shows the saved list');
      const emptied = await orgAdmin.submit(`/admin/connections/${pending.id}/update`, { deploymentIds: '  ' });
      assert.match(textOf(emptied.body), /Not done: deploymentIds must list 1 to 50/);
      await w.store.deleteConnection(pending.id);
    });

    it('lets only the operator delete a pending registration, and records it', async () => {
      const pending = await pendingCanvas('781');
      const refused = await orgAdmin.submit(`/admin/connections/${pending.id}/delete`, { directoryId: a.directoryId });
      assert.match(textOf(refused.body), /Only the LaunchGate operator may delete a pending registration/);
      assert.ok(await w.store.getConnection(pending.id));
      const deleted = await operator.submit(`/admin/connections/${pending.id}/delete`, { directoryId: a.directoryId });
      assert.match(textOf(deleted.body), /Deleted the pending registration/);
      assert.equal(await w.store.getConnection(pending.id), null);
      const events = await w.store.listAudit({ reason: 'connection.deleted' }, { limit: 10, offset: 0 });
      assert.equal(events.items[0]?.connectionId, pending.id);
      // A linked connection is unlinked, not deleted here.
      const linked = await operator.submit(`/admin/connections/${a.connectionId}/delete`, { directoryId: a.directoryId });
      assert.match(textOf(linked.body), /linked to a directory; unlink it there instead/);
    });
  });

  describe('users and licenses', () => {
    it('assigns a license by email, creating the user, and shows the user', async () => {
      const page = await orgAdmin.submit(`/admin/directories/${a.directoryId}/licenses`, { email: 'New.Teacher@lincoln.example', productId: 'studio', givenName: 'Ada', familyName: 'Lovelace' });
      assert.match(textOf(page.body), /Assigned a Studio license to new\.teacher@lincoln\.example \(new user\)/);
      assert.match(textOf(page.body), /Ada Lovelace/);
      const user = await w.store.findUserByEmail(a.directoryId, 'new.teacher@lincoln.example');
      assert.equal((await w.store.getLicense(user!.id, 'studio'))?.source, 'admin');
    });

    it('finds users by search', async () => {
      const found = textOf((await orgAdmin.get(`/admin/directories/${a.directoryId}/users?q=lovelace`)).body);
      assert.match(found, /Ada Lovelace/);
      assert.doesNotMatch(found, /pat@lincoln\.example/);
      assert.match(textOf((await orgAdmin.get(`/admin/directories/${a.directoryId}/users?q=nobody-here`)).body), /No user matches the search/);
    });

    it('refuses an assignment when the seats are gone, and says why', async () => {
      await w.store.setEntitlement(a.orgId, 'studio', 2);
      const page = await orgAdmin.submit(`/admin/directories/${a.directoryId}/licenses`, { email: 'third@lincoln.example', productId: 'studio' });
      assert.match(textOf(page.body), /Every seat for the product "studio" is taken/);
      assert.equal(await w.store.findUserByEmail(a.directoryId, 'third@lincoln.example'), null);
      await w.store.setEntitlement(a.orgId, 'studio', 10);
    });

    it('blocks, unblocks and revokes', async () => {
      await orgAdmin.submit(`/admin/users/${a.userId}/status`, { status: 'blocked' });
      assert.equal((await w.store.getUser(a.userId))?.status, 'blocked');
      assert.match(textOf((await orgAdmin.get(`/admin/users/${a.userId}`)).body), /Blocked/);
      await orgAdmin.submit(`/admin/users/${a.userId}/status`, { status: 'active' });
      assert.equal((await w.store.getUser(a.userId))?.status, 'active');
      const revoked = await orgAdmin.submit(`/admin/users/${a.userId}/licenses/studio/revoke`);
      assert.match(textOf(revoked.body), /Revoked the Studio license/);
      assert.equal(await w.store.getLicense(a.userId, 'studio'), null);
    });

    it('shows partner-supplied names as text, never as markup', async () => {
      const { user } = await w.store.createUser({
        orgId: a.orgId, directoryId: a.directoryId, email: 'mallory@lincoln.example', givenName: XSS, familyName: '"><script>alert(2)</script>',
        displayName: XSS, roles: ['student'], rawRoles: [XSS], createdBy: 'jit', lastLaunchAt: null,
      });
      await w.store.appendAudit(launchEvent(a, { email: null, subject: XSS, userId: user.id, decision: 'refused', reason: 'jit_disabled' }));
      for (const path of [`/admin/directories/${a.directoryId}/users`, `/admin/users/${user.id}`, `/admin/orgs/${a.orgId}/audit`]) {
        const page = await orgAdmin.get(path);
        assert.ok(!page.body.includes('<img src=x'), path);
        assert.ok(!page.body.includes('<script>alert'), path);
        assert.ok(page.body.includes('&lt;img src=x onerror=alert(1)&gt;'), path);
        assert.ok(textOf(page.body).includes(XSS), path);
      }
    });
  });

  describe('audit log', () => {
    before(async () => {
      await w.store.appendAudit(launchEvent(a, { email: 'refused@lincoln.example', decision: 'refused', reason: 'domain_not_claimed', partner: 'canvas' }));
      await w.store.appendAudit(launchEvent(a, { email: 'allowed@lincoln.example', decision: 'allowed', reason: 'user_created' }));
      await w.store.appendAudit(launchEvent(a, { email: '=HYPERLINK("http://evil.example","x")', subject: '+1+1', decision: 'refused', reason: 'no_seats' }));
    });

    it('explains each refusal in words, with its code', async () => {
      const text = textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}/audit?decision=refused`)).body);
      assert.match(text, /Your email address is not from your school’s domain\. The email’s domain is not claimed, or not verified, in the directory this connection is linked to\. domain_not_claimed/);
      assert.match(text, /Just-in-time provisioning is off for this directory; assign a license by hand or turn JIT on\. jit_disabled/);
      assert.doesNotMatch(text, /allowed@lincoln\.example/);
    });

    it('filters by reason, partner, directory and time', async () => {
      const byReason = textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}/audit?reason=user_created`)).body);
      assert.match(byReason, /1 event\./);
      assert.match(byReason, /allowed@lincoln\.example/);
      const byPartner = textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}/audit?partner=canvas`)).body);
      assert.match(byPartner, /refused@lincoln\.example/);
      assert.doesNotMatch(byPartner, /allowed@lincoln\.example/);
      const byDirectory = textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}/audit?decision=allowed&directoryId=${a.directoryId}`)).body);
      assert.match(byDirectory, /allowed@lincoln\.example/);
      const tomorrow = new Date(w.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
      assert.match(textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}/audit?since=${tomorrow}`)).body), /0 events\. .*No events match/);
      const today = w.clock.now().toISOString().slice(0, 10);
      assert.match(textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}/audit?decision=allowed&since=${today}&until=${today}`)).body), /allowed@lincoln\.example/);
      assert.match(textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}/audit?since=yesterday`)).body), /Some filters were ignored/);
    });

    it('exports the filtered events as CSV whose cells cannot run as formulas', async () => {
      const csv = await orgAdmin.get(`/admin/orgs/${a.orgId}/audit.csv?decision=refused`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(csv.headers.get('content-disposition') ?? '', /^attachment; filename="launchgate-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
      const lines = csv.body.trim().split('\r\n');
      assert.match(lines[0]!, /^"time_utc","decision","reason","what_happened","explanation"/);
      assert.ok(lines.slice(1).every((l) => l.includes('"Refused"')));
      assert.ok(csv.body.includes(`"'=HYPERLINK(""http://evil.example"",""x"")"`));
      assert.ok(csv.body.includes(`"'+1+1"`));
      assert.ok(!/(^|,)"[=+@-]/.test(csv.body.split('\r\n').slice(1).join('\n')), 'no cell starts with a formula character');
    });
  });

  describe('products and seats', () => {
    it('shows seats used and who holds them; only the operator may change seats', async () => {
      const asAdmin = await orgAdmin.get(`/admin/orgs/${a.orgId}/products`);
      assert.match(textOf(asAdmin.body), /Studio Seats \d+ used of 10/);
      assert.match(textOf(asAdmin.body), /new\.teacher@lincoln\.example/);
      assert.doesNotMatch(asAdmin.body, /Save seats/);
      const refused = await orgAdmin.submit(`/admin/orgs/${a.orgId}/products/studio/seats`, { seats: '5000' });
      assert.match(textOf(refused.body), /Only the LaunchGate operator may set entitlements/);
      const set = await operator.submit(`/admin/orgs/${a.orgId}/products/notes/seats`, { seats: '25' });
      assert.match(textOf(set.body), /Notes: 25 seats/);
      await operator.submit(`/admin/orgs/${a.orgId}/products/notes/seats`, { unlimited: 'on' });
      assert.equal((await w.store.getEntitlement(a.orgId, 'notes'))?.seats, null);
    });
  });

  describe('overview', () => {
    it('shows directories with their JIT state, seats per product and the last day’s launches', async () => {
      const text = textOf((await orgAdmin.get(`/admin/orgs/${a.orgId}`)).body);
      assert.match(text, /Lincoln staff On/);
      assert.match(text, /Studio \d+ 10/);
      assert.match(text, /Notes 0 Unlimited/);
      assert.match(text, /(\d+) launches allowed/);
      assert.match(text, /[1-9]\d* launches refused/);
    });
  });

  describe('API tokens', () => {
    it('shows a new token once, and it works only for this organization', async () => {
      const created = await orgAdmin.post(`/admin/orgs/${a.orgId}/tokens`, { name: 'SIS sync' });
      assert.equal(created.status, 201);
      const token = /id="token-value" type="text" readonly value="(lg_[^"]+)"/.exec(created.body)![1]!;
      assert.match(textOf(created.body), /shown only this once/);
      const list = await orgAdmin.get(`/admin/orgs/${a.orgId}/tokens`);
      assert.ok(!list.body.includes(token));
      assert.match(textOf(list.body), /SIS sync/);
      const mine = await fetch(`${w.baseUrl}/api/v1/organizations/${a.orgId}/directories`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(mine.status, 200);
      const other = await w.store.createOrganization({ name: 'Other' });
      const theirs = await fetch(`${w.baseUrl}/api/v1/organizations/${other.id}/directories`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(theirs.status, 404);
      const record = (await w.store.listApiTokens({ orgId: a.orgId })).find((t) => t.name === 'SIS sync')!;
      await orgAdmin.submit(`/admin/tokens/${record.id}/revoke`);
      const after = await fetch(`${w.baseUrl}/api/v1/organizations/${a.orgId}/directories`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(after.status, 401);
    });

    it('asks for a name', async () => {
      const hop = await orgAdmin.post(`/admin/orgs/${a.orgId}/tokens`, { name: ' ' });
      assert.equal(hop.status, 400);
      assert.match(textOf(hop.body), /Give the token a name/);
    });
  });

  describe('admins', () => {
    it('lets an organization admin add and disable another admin of the organization', async () => {
      const added = await orgAdmin.submit(`/admin/orgs/${a.orgId}/admins`, { email: 'second@lincoln.example', password: 'another long password' });
      assert.match(textOf(added.body), /Added second@lincoln\.example as an admin/);
      const second = (await w.store.findAdminAccountByEmail('second@lincoln.example'))!;
      assert.equal(second.role, 'org_admin');
      assert.equal(second.orgId, a.orgId);
      await orgAdmin.submit(`/admin/accounts/${second.id}/disable`);
      assert.ok((await w.store.getAdminAccount(second.id))?.disabledAt);
      const self = await orgAdmin.submit(`/admin/accounts/${a.adminId}/disable`);
      assert.match(textOf(self.body), /cannot disable the account you are signed in with/);
    });
  });

  describe('accessibility basics', () => {
    it('has a skip link, landmarks, one h1, and labels for every input', async () => {
      for (const path of [`/admin/orgs/${a.orgId}`, `/admin/directories/${a.directoryId}/settings`, `/admin/directories/${a.directoryId}/connections`, `/admin/directories/${a.directoryId}/users`, `/admin/orgs/${a.orgId}/audit`]) {
        const { body } = await orgAdmin.get(path);
        assert.match(body, /<html lang="en">/, path);
        assert.match(body, /<a class="skip" href="#main">/, path);
        assert.match(body, /<header class="top" role="banner">/, path);
        assert.match(body, /<nav class="side" aria-label="Console">/, path);
        assert.match(body, /<main id="main"/, path);
        assert.equal(body.match(/<h1>/g)?.length, 1, path);
        assert.match(body, /aria-current="page"/, path);
        for (const [, id] of body.matchAll(/<(?:input|select|textarea) id="([^"]+)"/g)) {
          assert.ok(body.includes(`for="${id}"`), `${path}: no label for #${id}`);
        }
      }
    });
  });
});

function launchEvent(org: SeededOrg, fields: Partial<NewAuditEvent> & Pick<NewAuditEvent, 'decision' | 'reason'>): NewAuditEvent {
  return {
    time: new Date(),
    kind: 'launch',
    orgId: org.orgId,
    directoryId: org.directoryId,
    connectionId: org.connectionId,
    partner: 'clever',
    subject: 'subject-1',
    email: null,
    userId: null,
    productId: 'studio',
    requestId: 'req-1',
    actor: null,
    detail: null,
    ...fields,
  };
}
