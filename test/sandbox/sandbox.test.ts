/**
 * Sandbox mode without a browser: refused in production, the quick start's default, the pages and
 * their escaping, OAuth launches through the sandbox's portal and "Log in with …" entries (the
 * Canvas ones need a browser: see browser.test.ts), and the printed console sign-in.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { productCatalog } from '../../src/provisioning/product';
import { ConfigError, loadConfig, quickStartEnv } from '../../src/server/config';
import { createLogger } from '../../src/server/logger';
import { SANDBOX_ADMIN_EMAIL, SandboxRefusedError, startSandbox } from '../../src/sandbox';
import { findPersona } from '../../src/sandbox/personas';
import { openSqliteStore } from '../../src/store/sqlite';
import { TestClient } from '../support/client';
import { ConsoleClient } from '../console/support';
import { chooseLaunch, resultOf, runEntry, startSandboxWorld, type SandboxWorld } from './world';

const ROOT = path.resolve(__dirname, '../..');
const PRODUCTION = { NODE_ENV: 'production', PUBLIC_URL: 'https://lg.example.org', LAUNCHGATE_SECRET: 'x'.repeat(40) };

describe('sandbox mode is refused in production', () => {
  it('the configuration refuses LAUNCHGATE_SANDBOX=1 with NODE_ENV=production, naming the variable', () => {
    assert.throws(
      () => loadConfig({ ...PRODUCTION, LAUNCHGATE_SANDBOX: '1' }, '/tmp'),
      (err: unknown) => err instanceof ConfigError && err.variable === 'LAUNCHGATE_SANDBOX',
    );
  });

  it('startSandbox refuses a production configuration even when handed one directly', async () => {
    const config = { ...loadConfig(PRODUCTION, '/tmp'), sandbox: true };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-sandbox-prod-'));
    const store = openSqliteStore({ file: path.join(dir, 'x.sqlite') });
    await store.init();
    try {
      await assert.rejects(
        startSandbox({ config, store, logger: createLogger('silent'), products: productCatalog(config.products, config.defaultProductId) }),
        (err: unknown) => err instanceof SandboxRefusedError && err.code === 'sandbox_in_production',
      );
      assert.equal((await store.listOrganizations()).length, 0, 'nothing was seeded');
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the server process stops at start with one line naming LAUNCHGATE_SANDBOX', function () {
    this.timeout(30_000);
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/server/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...PRODUCTION, LAUNCHGATE_SANDBOX: '1', DATA_DIR: os.tmpdir() },
      encoding: 'utf8',
      timeout: 25_000,
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr.trim(), /^launchgate: configuration error: LAUNCHGATE_SANDBOX: cannot be on when NODE_ENV=production$/);
  });

  it('the quick start turns the sandbox on by default, but not when told otherwise, and never in production', () => {
    assert.equal(loadConfig(quickStartEnv({}), '/tmp').sandbox, true);
    assert.equal(loadConfig(quickStartEnv({ LAUNCHGATE_SANDBOX: '0' }), '/tmp').sandbox, false);
    assert.equal(loadConfig(quickStartEnv({ LAUNCHGATE_SANDBOX: '' }), '/tmp').sandbox, false);
    assert.equal(loadConfig(quickStartEnv(PRODUCTION), '/tmp').sandbox, false);
    assert.equal(loadConfig({}, '/tmp').sandbox, false, 'without the quick start, the sandbox is off unless asked for');
  });
});

describe('sandbox pages and OAuth launches (no browser)', () => {
  let w: SandboxWorld;
  before(async () => {
    w = await startSandboxWorld();
  });
  after(() => w?.close());

  it('the home page offers the three simulated partners, every persona and "type your own", and shows the seats', async () => {
    const home = await new TestClient().request(`${w.baseUrl}/sandbox`);
    assert.equal(home.status, 200);
    for (const partner of ['canvas', 'clever', 'classlink']) assert.match(home.body, new RegExp(`id="partner-${partner}" value="${partner}"`));
    for (const persona of ['student', 'teacher', 'admin', 'unclaimed-domain', 'no-email', 'jit-off', 'unlinked-district', 'custom']) {
      assert.match(home.body, new RegExp(`id="persona-${persona}"`));
    }
    assert.match(home.body, /data-testid="seats">\d+ of 5</);
  });

  it('pages run no inline script, and their policy frames only this site and the simulators', async () => {
    const client = new TestClient();
    const launch = await chooseLaunch(w, client, { partner: 'canvas', persona: 'student' });
    for (const url of [`${w.baseUrl}/sandbox`, launch, `${launch}/result`]) {
      const hop = await client.request(url);
      assert.doesNotMatch(hop.body, /<script(?![^>]*\bsrc=)[^>]*>/, `${url} has an inline script`);
      const csp = hop.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/);
      const frames = /frame-src ([^;]+)/.exec(csp)?.[1]?.split(' ') ?? [];
      assert.deepEqual(frames.sort(), ["'self'", ...w.sandbox.sims.origins()].sort());
    }
  });

  it('the demo’s Canvas connections point at the running simulator; Clever and ClassLink are configured with the simulators’ endpoints', async () => {
    const canvas = w.sandbox.demo.connections.filter((c) => c.partner === 'canvas');
    assert.equal(canvas.length, 2);
    for (const { connection } of canvas) {
      const stored = await w.store.getConnection(connection.id);
      assert.ok(stored?.settings.partner === 'canvas');
      assert.equal(stored.settings.jwksUrl, w.sandbox.sims.canvas.jwksUrl);
    }
    assert.equal(w.sandbox.config.clever?.tokenUrl, w.sandbox.sims.clever?.tokenUrl);
    assert.equal(w.sandbox.config.classlink?.apiUrl, w.sandbox.sims.classlink?.apiUrl);
  });

  it('a Clever portal launch (code, no state) ends in the product, and the result names the audit event of the launch’s own request', async () => {
    const client = new TestClient();
    const launch = await chooseLaunch(w, client, { partner: 'clever', persona: 'teacher' });
    assert.equal((await resultOf(client, launch)).state, 'waiting');
    const hops = await runEntry(client, launch, 'portal');
    const end = hops[hops.length - 1]!;
    assert.match(end.url, /\/product\/studio\?assertion=/);
    assert.match(end.body, /data-testid="access">user_created</);
    // The hop whose answer sent the browser into the product is the launch's decision.
    const decided = hops.find((h) => h.location?.includes('/product/studio'))!;
    const result = await resultOf(client, launch);
    assert.equal(result.state, 'decided');
    assert.equal(result.reason, 'user_created');
    assert.equal(result.requestId, decided.headers.get('x-request-id'));
    const event = await w.store.getAuditEvent(result.eventId!);
    assert.equal(event?.requestId, decided.headers.get('x-request-id'));
    assert.match(result.consoleUrl ?? '', new RegExp(`^/admin/orgs/${w.sandbox.demo.org.id}/audit\\?`));
  });

  it('a ClassLink "Log in with ClassLink" launch of a personal address is refused, with the refusal page’s reason in the result', async () => {
    const client = new TestClient();
    const launch = await chooseLaunch(w, client, { partner: 'classlink', persona: 'unclaimed-domain' });
    const hops = await runEntry(client, launch, 'log-in-with');
    assert.ok(hops.some((h) => new URL(h.url).pathname === '/auth/classlink'), 'the flow started at LaunchGate, with a state');
    const end = hops[hops.length - 1]!;
    assert.match(end.body, /data-reason="domain_not_claimed"/);
    const result = await resultOf(client, launch);
    assert.equal(result.reason, 'domain_not_claimed');
    assert.equal(result.decision, 'refused');
    assert.equal(result.requestId, end.headers.get('x-request-id'));
  });

  it('an unlinked district’s launch is refused, and the result links to the operator’s view of launches tied to no organization', async () => {
    const client = new TestClient();
    const launch = await chooseLaunch(w, client, { partner: 'clever', persona: 'unlinked-district' });
    await runEntry(client, launch, 'log-in-with');
    const result = await resultOf(client, launch);
    assert.equal(result.reason, 'connection_not_linked');
    const url = new URL(result.consoleUrl ?? '', w.baseUrl);
    assert.equal(url.pathname, '/admin/audit');
    assert.equal(url.searchParams.get('org'), 'none');
    assert.equal(url.searchParams.get('partner'), 'clever');
    assert.match((await client.request(`${launch}/result`)).body, /data-testid="audit-link"/);
  });

  it('what a person types is shown as text: on the sandbox page, the simulated portal and the product page', async () => {
    const client = new TestClient();
    const name = `<script>alert("x")</script> O'Brien & <b>Bold</b>`;
    const email = `o'brien+<i>x</i>@lincoln.k12.example`;
    const launch = await chooseLaunch(w, client, { partner: 'clever', persona: 'custom', name, email, role: 'teacher', district: 'lincoln' });
    const page = await client.request(launch);
    assert.ok(page.body.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; &lt;b&gt;Bold&lt;/b&gt;'));
    const hops = await runEntry(client, launch, 'portal');
    for (const hop of [page, ...hops]) {
      assert.ok(!hop.body.includes('<script>alert'), `raw script in ${hop.url}`);
      assert.ok(!hop.body.includes('<b>Bold'), `raw markup in ${hop.url}`);
      assert.ok(!hop.body.includes('<i>x</i>'), `raw markup in ${hop.url}`);
    }
    const end = hops[hops.length - 1]!;
    assert.match(end.body, /data-testid="user-name">&lt;script&gt;/);
    assert.equal((await resultOf(client, launch)).decision, 'allowed');
  });

  it('refuses a choice it cannot launch and shows the form again with what was typed', async () => {
    const client = new TestClient();
    const bad = await client.request(`${w.baseUrl}/sandbox/launches`, {
      form: { partner: 'blackboard', persona: 'custom', name: '', email: '"><img src=x>', role: 'wizard', district: 'atlantis' },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body, /data-testid="problems"/);
    assert.match(bad.body, /Pick a portal/);
    assert.match(bad.body, /Type a name/);
    assert.match(bad.body, /value="&quot;&gt;&lt;img src=x&gt;"/);
    assert.equal((await client.request(`${w.baseUrl}/sandbox/launches`, { form: { partner: 'canvas', persona: 'nobody' } })).status, 400);
    assert.equal((await client.request(`${w.baseUrl}/sandbox/launches/nope/result.json`)).status, 404);
  });

  it('the simulated partner’s sign-in link sends the browser on only to a registered app, never elsewhere (no open redirect)', async () => {
    const clever = w.sandbox.sims.clever!;
    const user = w.sandbox.sims.enroll('clever', findPersona('student')!);
    const client = new TestClient();
    for (const next of ['https://evil.example/phish', `${w.baseUrl.replace('127.0.0.1', 'localhost')}/auth/clever`, 'javascript:alert(1)', '/auth/clever']) {
      const hop = await client.request(clever.signInUrl(user, next));
      assert.equal(hop.status, 400, next);
      assert.equal(hop.location, null);
    }
    const ok = await client.request(clever.signInUrl(user, `${w.baseUrl}/auth/clever`));
    assert.equal(ok.status, 302);
    assert.equal(ok.location, `${w.baseUrl}/auth/clever`);
  });

  it('the printed console sign-in works: the banner names the sandbox URL and the account', async () => {
    const banner = w.sandbox.banner().join('\n');
    assert.ok(banner.includes(`${w.baseUrl}/sandbox`));
    assert.ok(banner.includes(SANDBOX_ADMIN_EMAIL));
    assert.ok(banner.includes(w.sandbox.admin.password));
    const client = new ConsoleClient(w.baseUrl);
    const hop = await client.signIn(w.sandbox.admin.email, w.sandbox.admin.password);
    assert.equal(hop.status, 303);
    assert.equal((await client.get('/admin')).status, 200);
  });
});

describe('sandbox restart on a kept data directory', () => {
  it('keeps the demo, re-points Canvas at the new simulator, and gives the console account a new password', async function () {
    this.timeout(30_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-sandbox-restart-'));
    try {
      const first = await startSandboxWorld({ dataDir });
      const { password } = first.sandbox.admin;
      const orgId = first.sandbox.demo.org.id;
      await first.close();
      const second = await startSandboxWorld({ dataDir });
      try {
        assert.equal(second.sandbox.demo.org.id, orgId);
        assert.deepEqual(second.sandbox.demo.created, []);
        assert.notEqual(second.sandbox.admin.password, password);
        const stale = await new ConsoleClient(second.baseUrl).signIn(SANDBOX_ADMIN_EMAIL, password);
        assert.equal(stale.status, 401);
        const fresh = await new ConsoleClient(second.baseUrl).signIn(SANDBOX_ADMIN_EMAIL, second.sandbox.admin.password);
        assert.equal(fresh.status, 303);
        const canvas = second.sandbox.demo.connections.find((c) => c.partner === 'canvas')!;
        const stored = await second.store.getConnection(canvas.connection.id);
        assert.ok(stored?.settings.partner === 'canvas');
        assert.equal(stored.settings.jwksUrl, second.sandbox.sims.canvas.jwksUrl);
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('with PUBLIC_URL on localhost, addresses a browser follows say localhost; LaunchGate’s own calls stay on 127.0.0.1', async () => {
    const w = await startSandboxWorld({ hostName: 'localhost' });
    try {
      assert.match(w.sandbox.config.clever!.authorizeUrl, /^http:\/\/localhost:\d+\//);
      assert.match(w.sandbox.config.clever!.tokenUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.match(w.sandbox.sims.canvasEndpoints().authEndpoint, /^http:\/\/localhost:\d+\//);
      assert.match(w.sandbox.sims.canvasEndpoints().jwksUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
      assert.ok(w.sandbox.sims.origins().every((o) => o.startsWith('http://localhost:')));
    } finally {
      await w.close();
    }
  });
});
