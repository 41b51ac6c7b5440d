/**
 * What Clever and ClassLink launches promise, run against both simulators: the JIT decisions, the
 * state and code rules (portal launches, forged states, replayed codes, browsers that drop
 * cookies), and partner failures ending in a clear page and an audit event.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { TestClient, type Hop } from '../support/client';
import { linkConnection, seedTenant, type SeededTenant } from '../support/harness';
import { BOTH } from './partners-under-test';
import {
  CLASSLINK_SECRET,
  CLEVER_SECRET,
  assertProductPage,
  assertRefused,
  callbackHop,
  followUntilCallback,
  latestLaunchAudit,
  startOAuthWorld,
  withParam,
  type OAuthWorld,
} from './world';

/** A browser that keeps no cookie at all, not even for one redirect: every hop is a fresh client. */
async function followDroppingCookies(url: string, maxHops: number): Promise<Hop[]> {
  const hops: Hop[] = [];
  let next: string | null = url;
  while (next !== null && hops.length < maxHops) {
    const hop = await new TestClient().request(next);
    hops.push(hop);
    next = hop.status >= 300 && hop.status < 400 ? hop.location : null;
  }
  return hops;
}

for (const p of BOTH) {
  describe(`${p.label} launches`, function () {
    let w: OAuthWorld;
    let school: SeededTenant;
    let tenant: string;
    const logLines: string[] = [];

    before(async () => {
      // Short deadlines so the timeout tests finish fast; the simulators answer in milliseconds otherwise.
      w = await startOAuthWorld({
        clever: { timeoutMs: 400 },
        classlink: { timeoutMs: 400 },
        logDestination: new Writable({
          write(chunk: Buffer, _encoding, done) {
            logLines.push(chunk.toString('utf8'));
            done();
          },
        }),
      });
      school = await seedTenant(w.h.store, { jitEnabled: true });
      const t = p.newTenant(w);
      tenant = t.tenant;
      await linkConnection(w.h.store, school, t.settings);
    });
    after(async () => w.close());
    beforeEach(() => {
      w.browser = new TestClient();
      p.sim(w).clearFaults();
      p.sim(w).signOutEverywhere();
    });

    const start = () => `${w.h.baseUrl}/auth/${p.partner}`;
    const newStudent = (email?: string) => {
      const id = p.addUser(w, tenant, { email });
      p.sim(w).signIn(id);
      return id;
    };
    const uniqueEmail = (domain = school.domain) => `s${Math.random().toString(36).slice(2, 10)}@${domain}`;

    describe('JIT decisions', function () {
      it('JIT on: a new person is created, licensed and handed to the product', async () => {
        const email = uniqueEmail().toUpperCase();
        const subject = newStudent(email);
        const end = assertProductPage(await w.browser.follow(start()));
        assert.match(end.body, /data-testid="access">user_created</);
        assert.match(end.body, new RegExp(`data-testid="partner">${p.partner}<`));

        const user = await w.h.store.findUserByEmail(school.directory.id, email.toLowerCase());
        assert.ok(user, 'the user exists, with the email lower-cased');
        assert.equal(user.createdBy, 'jit');
        assert.deepEqual(user.roles, ['student']);
        assert.ok(await w.h.store.getLicense(user.id, 'studio'), 'the user holds a license');
        const identities = await w.h.store.listExternalIdentities(user.id);
        assert.deepEqual(identities.map((i) => [i.partner, i.subject]), [[p.partner, subject]]);
        const audit = await latestLaunchAudit(w.h.store);
        assert.equal(audit.reason, 'user_created');
        assert.equal(audit.partner, p.partner);
        assert.equal(audit.subject, subject);

        // The next launch of the same person finds them by subject and their license.
        const again = assertProductPage(await new TestClient().follow(start()));
        assert.match(again.body, /data-testid="access">existing_license</);
      });

      it('JIT off: a new person is refused with jit_disabled and no user is created', async () => {
        const closed = await seedTenant(w.h.store, { jitEnabled: false });
        const t = p.newTenant(w);
        await linkConnection(w.h.store, closed, t.settings);
        const email = uniqueEmail(closed.domain);
        p.sim(w).signIn(p.addUser(w, t.tenant, { email }));
        assertRefused(await w.browser.follow(start()), 'jit_disabled', 403);
        assert.equal(await w.h.store.findUserByEmail(closed.directory.id, email), null);
        assert.equal((await latestLaunchAudit(w.h.store)).reason, 'jit_disabled');
      });

      it('a district or tenant linked to no directory is refused with connection_not_linked', async () => {
        const t = p.newTenant(w);
        p.sim(w).signIn(p.addUser(w, t.tenant, { email: uniqueEmail() }));
        assertRefused(await w.browser.follow(start()), 'connection_not_linked', 403);
        assert.equal((await latestLaunchAudit(w.h.store)).reason, 'connection_not_linked');
      });

      it('a disabled connection is refused with connection_disabled', async () => {
        const other = await seedTenant(w.h.store);
        const t = p.newTenant(w);
        await linkConnection(w.h.store, other, t.settings, { enabled: false });
        p.sim(w).signIn(p.addUser(w, t.tenant, { email: uniqueEmail(other.domain) }));
        assertRefused(await w.browser.follow(start()), 'connection_disabled', 403);
      });

      it('a person the partner sends without an email is refused with email_missing', async () => {
        newStudent(undefined);
        assertRefused(await w.browser.follow(start()), 'email_missing', 403);
      });

      it('an email outside the directory’s verified domains is refused with domain_not_claimed', async () => {
        newStudent(uniqueEmail('gmail.example'));
        assertRefused(await w.browser.follow(start()), 'domain_not_claimed', 403);
        assert.equal((await latestLaunchAudit(w.h.store)).reason, 'domain_not_claimed');
      });
    });

    describe('state, codes and portal launches', function () {
      it('a portal launch (code, no state) is never exchanged: a fresh authorization with our state succeeds', async () => {
        const subject = p.addUser(w, tenant, { email: uniqueEmail() });
        const tokensBefore = p.sim(w).counters.tokenRequests;
        const hops = await w.browser.follow(p.sim(w).portalLaunchUrl(subject));
        assertProductPage(hops);

        const portal = new URL(callbackHop(hops, p.partner).location!);
        assert.equal(portal.searchParams.get('state'), null, 'the portal sends no state');
        const portalCode = portal.searchParams.get('code')!;
        assert.equal(p.sim(w).isCodeUsed(portalCode), false, 'the portal code was not exchanged');
        assert.equal(p.sim(w).counters.tokenRequests - tokensBefore, 1, 'exactly one code was exchanged');
        const reauth = hops.find((h) => h.url.startsWith(`${w.h.baseUrl}/auth/${p.partner}/callback`) && h.status === 303);
        assert.equal(new URL(reauth!.location!).pathname, `/auth/${p.partner}`, 'the callback started a fresh authorization');
        const second = hops.filter((h) => h.location?.includes(`/auth/${p.partner}/callback`))[1]!;
        assert.ok(new URL(second.location!).searchParams.get('state'), 'the second callback carries our state');
      });

      it('forged state: a callback whose state this browser did not start is refused, and no code is exchanged', async () => {
        newStudent(uniqueEmail());
        const { callbackUrl } = await followUntilCallback(w.browser, start(), p.partner);
        const tokensBefore = p.sim(w).counters.tokenRequests;
        assertRefused(await w.browser.follow(withParam(callbackUrl, 'state', 'attacker-chosen-state')), 'launch_invalid', 400);
        assert.equal(p.sim(w).counters.tokenRequests, tokensBefore);
        const audit = await latestLaunchAudit(w.h.store);
        assert.equal(audit.reason, 'launch_invalid');
        assert.equal(audit.detail?.check, 'state_mismatch');
        // The guess cost the flow: the genuine callback no longer works either.
        assertRefused(await w.browser.follow(callbackUrl), 'launch_invalid', 400);
      });

      it('login CSRF: a genuine callback replayed in another browser (no flow cookie) is refused', async () => {
        newStudent(uniqueEmail());
        const { callbackUrl } = await followUntilCallback(w.browser, start(), p.partner);
        const victim = new TestClient();
        assertRefused(await victim.follow(callbackUrl), 'launch_invalid', 400);
        assert.equal((await latestLaunchAudit(w.h.store)).detail?.check, 'state_mismatch');
      });

      it('a code the partner already redeemed is refused by the partner and ends in a clear page', async () => {
        newStudent(uniqueEmail());
        const { callbackUrl } = await followUntilCallback(w.browser, start(), p.partner);
        p.sim(w).burnCode(new URL(callbackUrl).searchParams.get('code')!);
        const before = p.sim(w).counters.tokenRejections.invalid_grant ?? 0;
        const end = assertRefused(await w.browser.follow(callbackUrl), 'launch_invalid', 400);
        assert.match(end.body, /could not be verified/);
        assert.equal(p.sim(w).counters.tokenRejections.invalid_grant, before + 1, 'the simulator refused the replay');
        assert.equal((await latestLaunchAudit(w.h.store)).detail?.check, 'code_rejected');
      });

      it('a code LaunchGate exchanged once is never sent to the partner again, even with a fresh state', async () => {
        newStudent(uniqueEmail());
        const first = await followUntilCallback(w.browser, start(), p.partner);
        assertProductPage(await w.browser.follow(first.callbackUrl));
        const usedCode = new URL(first.callbackUrl).searchParams.get('code')!;

        const second = await followUntilCallback(w.browser, start(), p.partner);
        const tokensBefore = p.sim(w).counters.tokenRequests;
        assertRefused(await w.browser.follow(withParam(second.callbackUrl, 'code', usedCode)), 'launch_invalid', 400);
        assert.equal(p.sim(w).counters.tokenRequests, tokensBefore, 'the old code was not sent again');
        assert.equal((await latestLaunchAudit(w.h.store)).detail?.check, 'code_replayed');
      });

      it('a partner that keeps dropping our state cannot loop the browser: two re-authorizations, then a clear refusal', async () => {
        const subject = p.addUser(w, tenant, { email: uniqueEmail() });
        p.sim(w).setFaults({ dropState: true });
        const authorizeBefore = p.sim(w).counters.authorizeRequests;
        const hops = await w.browser.follow(p.sim(w).portalLaunchUrl(subject), {}, 30);
        const end = assertRefused(hops, 'launch_invalid', 400);
        assert.ok(hops.length < 15, `the bounce stopped (${hops.length} hops)`);
        assert.equal(p.sim(w).counters.authorizeRequests - authorizeBefore, 3, 'the portal launch plus two re-authorizations');
        assert.match(end.body, /Go back to your portal/);
        assert.equal((await latestLaunchAudit(w.h.store)).detail?.check, 'reauthorization_limit');
      });

      it('a browser that drops cookies, with a partner that drops our state, is stopped after one round with a cookies page', async () => {
        const subject = p.addUser(w, tenant, { email: uniqueEmail() });
        // The partner's own session cookie is dropped too; its configured sign-in answers instead.
        p.sim(w).signIn(subject);
        p.sim(w).setFaults({ dropState: true });
        const authorizeBefore = p.sim(w).counters.authorizeRequests;
        const tokensBefore = p.sim(w).counters.tokenRequests;
        const hops = await followDroppingCookies(p.sim(w).portalLaunchUrl(subject), 30);
        const end = assertRefused(hops, 'launch_invalid', 400);
        assert.ok(hops.length <= 4, `the chain ended within 4 hops: ${hops.map((h) => new URL(h.url).pathname).join(' -> ')}`);
        assert.equal(new URL(end.url).pathname, `/auth/${p.partner}`, 'refused at the start route, not sent to the partner again');
        assert.equal(new URL(end.url).searchParams.get('reauth'), '1');
        assert.match(end.body, /blocking cookies LaunchGate needs/);
        assert.match(end.body, /Allow cookies for this site/);
        assert.equal(p.sim(w).counters.authorizeRequests - authorizeBefore, 1, 'only the portal launch reached the partner');
        assert.equal(p.sim(w).counters.tokenRequests, tokensBefore, 'no code was exchanged');
        const audit = await latestLaunchAudit(w.h.store);
        assert.equal(audit.reason, 'launch_invalid');
        assert.equal(audit.partner, p.partner);
        assert.equal(audit.detail?.check, 'cookies_blocked');
      });

      it('a browser that drops cookies is stopped the same way when the partner does send our state', async () => {
        const subject = p.addUser(w, tenant, { email: uniqueEmail() });
        p.sim(w).signIn(subject);
        const hops = await followDroppingCookies(p.sim(w).portalLaunchUrl(subject), 30);
        assertRefused(hops, 'launch_invalid', 400);
        assert.ok(hops.length <= 4, `the chain ended within 4 hops (${hops.length})`);
        assert.equal((await latestLaunchAudit(w.h.store)).detail?.check, 'cookies_blocked');
      });

      it('the partner reporting access_denied ends in a refusal, not an error', async () => {
        assertRefused(await w.browser.follow(`${start()}/callback?error=access_denied`), 'launch_invalid', 400);
        assert.equal((await latestLaunchAudit(w.h.store)).detail?.check, 'authorization_denied');
      });

      it(`authenticates the client the ${p.label} way`, async () => {
        newStudent(uniqueEmail());
        const sim = p.sim(w);
        const before = sim.tokenRequests.length;
        assertProductPage(await w.browser.follow(start()));
        const [request] = sim.tokenRequests.slice(before);
        if (p.partner === 'clever') assert.deepEqual(request, { clientAuth: 'basic', secretInBody: false, codeVerifier: false });
        else assert.deepEqual(request, { clientAuth: 'body', secretInBody: true, codeVerifier: false });
      });
    });

    describe('partner failures end in a clear page and an audit event', function () {
      const cases = [
        { fault: { token: 'error_500' }, check: 'token_endpoint_500', title: 'the token endpoint answers 500' },
        { fault: { token: 'timeout' }, check: 'token_timeout', title: 'the token endpoint does not answer in time' },
        { fault: { token: 'malformed_json' }, check: 'token_malformed', title: 'the token endpoint answers broken JSON' },
        { fault: { token: 'missing_access_token' }, check: 'token_malformed', title: 'the token answer has no access_token' },
        { fault: { userInfo: 'timeout' }, check: 'userinfo_timeout', title: 'user info does not answer in time' },
        { fault: { userInfo: 'error_500' }, check: 'userinfo_endpoint_500', title: 'user info answers 500' },
        { fault: { userInfo: 'malformed_json' }, check: 'userinfo_malformed', title: 'user info answers something that is not JSON' },
        { fault: { userInfo: 'missing_fields' }, check: 'userinfo_incomplete', title: 'user info lacks the tenant' },
      ] as const;
      it('the partner refusing our client credentials (401 invalid_client) ends in a clear page and an audit event, with no secret anywhere', async () => {
        newStudent(uniqueEmail());
        p.sim(w).setFaults({ token: 'invalid_client' });
        const sim = p.sim(w);
        const rejectedBefore = sim.counters.tokenRejections.invalid_client ?? 0;
        const linesBefore = logLines.length;
        const hops = await w.browser.follow(start());
        const end = assertRefused(hops, 'partner_error', 502);
        assert.match(end.body, /did not answer/);
        assert.equal(sim.counters.tokenRejections.invalid_client, rejectedBefore + 1, 'the partner refused the client once');

        const audit = await latestLaunchAudit(w.h.store);
        assert.equal(audit.reason, 'partner_error');
        assert.equal(audit.partner, p.partner);
        assert.equal(audit.detail?.check, 'token_endpoint_401');
        assert.match(String(audit.detail?.cause), /HTTP 401 invalid_client/);

        const secret = p.partner === 'clever' ? CLEVER_SECRET : CLASSLINK_SECRET;
        const basic = Buffer.from(`${sim.clientId}:${secret}`).toString('base64');
        const lines = logLines.slice(linesBefore);
        assert.ok(lines.some((line) => line.includes('token_endpoint_401')), 'the failure was logged');
        for (const leak of [secret, basic]) {
          for (const hop of hops.filter((h) => h.url.startsWith(w.h.baseUrl))) {
            assert.ok(!hop.body.includes(leak) && !(hop.location ?? '').includes(leak), `${new URL(hop.url).pathname} shows the secret`);
          }
          assert.ok(!JSON.stringify(audit).includes(leak), 'the audit event holds the secret');
          for (const line of lines) assert.ok(!line.includes(leak), `a log line holds the secret: ${line.slice(0, 200)}`);
        }
      });

      for (const c of cases) {
        it(`${c.title}: partner_error (${c.check})`, async () => {
          newStudent(uniqueEmail());
          p.sim(w).setFaults(c.fault);
          const end = assertRefused(await w.browser.follow(start()), 'partner_error', 502);
          assert.match(end.body, /did not answer/);
          const audit = await latestLaunchAudit(w.h.store);
          assert.equal(audit.reason, 'partner_error');
          assert.equal(audit.partner, p.partner);
          assert.equal(audit.detail?.check, c.check);
        });
      }
    });
  });
}
