/**
 * The sandbox as a newcomer uses it, in Chromium, with PUBLIC_URL on localhost as in the quick
 * start: one allowed and one refused launch per partner (Canvas in its course page's iframe; Clever
 * and ClassLink from the portal's tile and from "Log in with …"), the link to a launch's audit event
 * in the console, JIT turned on in the console changing the next launch, and seat exhaustion fixed
 * by raising the seats in the console. Screenshots go to test-output/sandbox/.
 * Needs /usr/bin/chromium (Debian's; .ci/run installs it). Without it these tests are pending.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { TestClient } from '../support/client';
import { chooseLaunch, runEntry, startSandboxWorld, type SandboxWorld } from './world';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../test-output/sandbox');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const available = fs.existsSync(CHROMIUM);

type Persona = 'student' | 'teacher' | 'admin' | 'unclaimed-domain' | 'no-email' | 'jit-off' | 'unlinked-district';

describe(`sandbox in a browser${available ? '' : ` — pending: ${CHROMIUM} is not installed`}`, function () {
  this.timeout(60_000);
  let w: SandboxWorld;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let consolePage: Page | null = null;
  const dialogs: string[] = [];

  before(async function () {
    if (!available) {
      console.log(`    (browser tests pending: ${CHROMIUM} is not installed; apt-get install -y chromium)`);
      this.skip();
    }
    w = await startSandboxWorld({ hostName: 'localhost' });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    context.on('page', (p) => p.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss())));
    page = await context.newPage();
    page.on('dialog', (d) => void (dialogs.push(d.message()), d.dismiss()));
    fs.mkdirSync(OUTPUT, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await w?.close();
  });

  const shot = (name: string, target: Page = page) => target.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
  /** A smaller, viewport-only picture for the README (docs/ holds copies). */
  async function readmeShot(name: string): Promise<void> {
    await page.setViewportSize({ width: 1180, height: 860 });
    await page.screenshot({ path: path.join(OUTPUT, `readme-${name}.png`) });
    await page.setViewportSize({ width: 1280, height: 1000 });
  }

  async function choose(partner: 'canvas' | 'clever' | 'classlink', persona: Persona | { name: string; email: string }): Promise<void> {
    await page.goto(`${w.baseUrl}/sandbox`);
    await page.check(`#partner-${partner}`);
    if (typeof persona === 'string') {
      await page.check(`#persona-${persona}`);
    } else {
      await page.check('#persona-custom');
      await page.getByRole('textbox', { name: 'Name' }).fill(persona.name);
      await page.getByRole('textbox', { name: 'Email (empty: none)' }).fill(persona.email);
    }
    await page.getByTestId('launch').click();
    await page.waitForURL(/\/sandbox\/launches\/[^/]+$/);
  }

  function partnerFrame(): Frame {
    const frame = page.frame({ name: 'partner-frame' });
    assert.ok(frame, 'the launch page frames the partner');
    return frame;
  }

  /** The decision panel, once it shows a decision for the latest attempt. */
  async function decision(): Promise<{ decision: string; reason: string }> {
    const reason = page.getByTestId('result-reason');
    await reason.waitFor({ timeout: 20_000 });
    return { decision: (await page.getByTestId('result-decision').textContent()) ?? '', reason: (await reason.textContent()) ?? '' };
  }

  /** Waits for the panel to show this reason (after a new attempt it first goes back to waiting). */
  async function expectReason(reason: string): Promise<void> {
    await page.getByTestId('result-reason').filter({ hasText: reason }).waitFor({ timeout: 20_000 });
  }

  /** LaunchGate's page inside the simulated Canvas's course page. */
  function toolFrame(): Frame {
    const frame = page.frame({ name: 'tool_content' });
    assert.ok(frame, 'the course page frames LaunchGate');
    return frame;
  }

  async function signedInConsole(): Promise<Page> {
    if (consolePage !== null) return consolePage;
    const p = await context.newPage();
    await p.goto(`${w.baseUrl}/admin/login`);
    await p.getByLabel('Email').fill(w.sandbox.admin.email);
    await p.getByLabel('Password').fill(w.sandbox.admin.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${w.baseUrl}/admin`).catch(async (err: unknown) => {
      await shot('console-sign-in-failed', p);
      throw err;
    });
    consolePage = p;
    return p;
  }

  it('shows the home page: partners, personas, "type your own" and the demo organization', async () => {
    await page.goto(`${w.baseUrl}/sandbox`);
    await page.getByRole('heading', { name: 'Try a launch' }).waitFor();
    assert.equal(await page.getByRole('radio').count(), 3 + 8);
    assert.match((await page.getByTestId('seats').textContent()) ?? '', /^0 of 5$/);
    await shot('home');
    await readmeShot('sandbox-home');
  });

  it('Canvas: a student’s launch runs in the course page’s iframe and lands in the product (user_created)', async () => {
    await choose('canvas', 'student');
    const access = toolFrame().getByTestId('access');
    await access.waitFor({ timeout: 20_000 });
    assert.equal(await access.textContent(), 'user_created');
    assert.deepEqual(await decision(), { decision: 'allowed', reason: 'user_created' });
    await shot('canvas-product');
    await readmeShot('sandbox-product');
  });

  it('Canvas: a district nobody linked is refused (connection_not_linked), and the panel links to the operator’s view of launches of no organization', async () => {
    await choose('canvas', 'unlinked-district');
    await toolFrame().locator('[data-reason="connection_not_linked"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await decision(), { decision: 'refused', reason: 'connection_not_linked' });
    const link = page.getByTestId('audit-link');
    await link.waitFor();
    assert.match((await link.getAttribute('href')) ?? '', /^\/admin\/audit\?org=none&/);
    await shot('canvas-refused');
  });

  it('Clever: a teacher clicks the app’s tile in the portal (code, no state) and lands in the product', async () => {
    await choose('clever', 'teacher');
    await partnerFrame().getByTestId('app-tile').click();
    await partnerFrame().getByTestId('access').waitFor({ timeout: 20_000 });
    assert.deepEqual(await decision(), { decision: 'allowed', reason: 'user_created' });
  });

  it('Clever: "Log in with Clever" for a student whose portal shares no email is refused (email_missing)', async () => {
    await choose('clever', 'no-email');
    await page.getByTestId('start-log-in-with').click();
    await partnerFrame().locator('[data-reason="email_missing"]').waitFor({ timeout: 20_000 });
    await expectReason('email_missing');
    await shot('clever-refused');
  });

  it('ClassLink, by keyboard only: "Log in with ClassLink" as a district administrator lands in the product', async () => {
    await page.goto(`${w.baseUrl}/sandbox`);
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    const tabTo = async (test: () => Promise<boolean>) => {
      for (let i = 0; i < 40 && !(await test()); i++) await page.keyboard.press('Tab');
      assert.ok(await test(), 'reachable with Tab');
    };
    await tabTo(async () => (await focusedId()).startsWith('partner-'));
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedId(), 'partner-classlink');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedId(), 'persona-admin');
    await tabTo(async () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'launch'));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/sandbox\/launches\/[^/]+$/);
    await tabTo(async () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'start-log-in-with'));
    await page.keyboard.press('Enter');
    await partnerFrame().getByTestId('access').waitFor({ timeout: 20_000 });
    assert.deepEqual(await decision(), { decision: 'allowed', reason: 'user_created' });
  });

  it('ClassLink: a student with a personal address clicks the tile and is refused (domain_not_claimed)', async () => {
    await choose('classlink', 'unclaimed-domain');
    await partnerFrame().getByTestId('app-tile').click();
    await partnerFrame().locator('[data-reason="domain_not_claimed"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await decision(), { decision: 'refused', reason: 'domain_not_claimed' });
  });

  it('links each launch to its audit event in the console', async () => {
    const requestId = await page.getByTestId('result-request-id').textContent();
    const href = await page.getByTestId('audit-link').getAttribute('href');
    assert.ok(href?.startsWith('/admin/'));
    const event = await w.store.listAudit({ kind: 'launch', reason: 'domain_not_claimed' }, { limit: 1, offset: 0 });
    assert.equal(event.items[0]?.requestId, requestId);
    const admin = await signedInConsole();
    await admin.goto(`${w.baseUrl}${href}`);
    const main = await admin.locator('main').innerText();
    assert.match(main, /\b1 event\b/);
    assert.match(main, /domain_not_claimed/);
    // Sam's address is not on the organization's domains: the log keeps only its domain.
    assert.match(main, /an address at homemail\.example/);
    assert.doesNotMatch(main, /sam\.rivera@/);
    await shot('console-audit-event', admin);
  });

  it('JIT turned on in the console changes the next launch: refused with jit_disabled, then let in', async () => {
    await choose('canvas', 'jit-off');
    await toolFrame().locator('[data-reason="jit_disabled"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await decision(), { decision: 'refused', reason: 'jit_disabled' });

    const admin = await signedInConsole();
    await admin.goto(`${w.baseUrl}/admin/directories/${w.sandbox.demo.directories.roosevelt.id}/settings`);
    await admin.getByRole('checkbox', { name: 'Just-in-time user provisioning' }).check();
    await admin.getByRole('button', { name: 'Save' }).click();
    await admin.getByText('Just-in-time user provisioning is on for Roosevelt Charter.').waitFor();

    await page.getByTestId('start-course').click();
    await expectReason('user_created');
    await toolFrame().getByTestId('access').waitFor({ timeout: 20_000 });
  });

  it('seat exhaustion: the next new person is refused with no_seats; after the admin raises the seats, the launch succeeds', async () => {
    const orgId = w.sandbox.demo.org.id;
    const seats = (await w.store.getEntitlement(orgId, 'studio'))!.seats!;
    // Take the seats left with quick launches (HTTP, through the sandbox's Clever portal entry).
    for (let n = await w.store.countLicenses(orgId, 'studio'); n < seats; n++) {
      const client = new TestClient();
      const launch = await chooseLaunch(w, client, { partner: 'clever', persona: 'custom', name: `Filler ${n}`, email: `filler-${n}@lincoln.k12.example`, role: 'student', district: 'lincoln' });
      const hops = await runEntry(client, launch, 'portal');
      assert.match(hops[hops.length - 1]!.body, /data-testid="access">user_created</);
    }
    assert.equal(await w.store.countLicenses(orgId, 'studio'), seats);

    await choose('canvas', { name: 'Nadia Late', email: 'nadia.late@lincoln.k12.example' });
    await toolFrame().locator('[data-reason="no_seats"]').waitFor({ timeout: 20_000 });
    assert.deepEqual(await decision(), { decision: 'refused', reason: 'no_seats' });
    await shot('no-seats');

    const admin = await signedInConsole();
    await admin.goto(`${w.baseUrl}/admin/orgs/${orgId}/products`);
    await admin.getByLabel('Number of seats').fill(String(seats + 5));
    await admin.getByRole('button', { name: 'Save seats' }).click();
    await admin.getByText(`${seats + 5} seats`).first().waitFor();

    await page.getByTestId('start-course').click();
    // The refused launch created the person without a license; now they get one.
    await expectReason('license_assigned');
    await toolFrame().getByTestId('access').waitFor({ timeout: 20_000 });
    assert.equal(await toolFrame().getByTestId('access').textContent(), 'license_assigned');
  });

  it('ran no script a persona typed or a partner sent', () => {
    assert.deepEqual(dialogs, []);
  });
});
