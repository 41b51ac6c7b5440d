/**
 * The console as an IT admin uses it, in Chromium: sign in, claim and operator-verify a domain,
 * link a Clever district, turn just-in-time provisioning off and see a launch refused, find the
 * refusal in the audit log, assign a license by hand and see the launch let in, turn JIT on again
 * and see a new person let in. Screenshots of the main pages go to test-output/console/.
 * Needs /usr/bin/chromium (Debian's; .ci/run installs it). Without it these tests are pending.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hashPassword, TEST_SCRYPT } from '../../src/admin/accounts';
import type { LaunchIdentity } from '../../src/identity/launch-identity';
import { directPartner } from '../support/direct-partner';
import { startHarness, type Harness } from '../support/harness';
import { PASSWORD } from './support';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../test-output/console');
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const available = fs.existsSync(CHROMIUM);

describe(`admin console in a browser${available ? '' : ` — pending: ${CHROMIUM} is not installed`}`, function () {
  this.timeout(60_000);
  let h: Harness;
  let browser: Browser | undefined;
  let page: Page;
  let orgId: string;
  let directoryId: string;

  before(async function () {
    if (!available) {
      console.log(`    (browser tests pending: ${CHROMIUM} is not installed; apt-get install -y chromium)`);
      this.skip();
    }
    h = await startHarness({ partners: () => [directPartner()] });
    const org = await h.store.createOrganization({ name: 'Lincoln Unified' });
    orgId = org.id;
    directoryId = (await h.store.createDirectory({ orgId, name: 'Students and staff', jitEnabled: true })).id;
    await h.store.setEntitlement(orgId, 'studio', 25);
    await h.store.createAdminAccount({ email: 'operator@example.org', role: 'operator', orgId: null, passwordHash: await hashPassword(PASSWORD, TEST_SCRYPT) });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    fs.mkdirSync(OUTPUT, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  const shot = (name: string) => page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
  const messages = () => page.locator('#messages');

  async function launch(subject: string, email: string): Promise<{ status: number; location: string | null; body: string }> {
    const identity: LaunchIdentity = {
      partner: 'clever',
      tenant: { partner: 'clever', districtId: 'district-7' },
      subject,
      email,
      givenName: subject,
      familyName: 'Tester',
      roles: ['student'],
      rawRoles: ['student'],
    };
    const res = await fetch(`${h.baseUrl}/launch/direct`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identity }),
      redirect: 'manual',
    });
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }

  it('signs in from the root page', async () => {
    await page.goto(h.baseUrl);
    await page.getByRole('link', { name: 'Admin console' }).click();
    await page.getByLabel('Email').fill('operator@example.org');
    await page.getByLabel('Password').fill(PASSWORD);
    await shot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    await page.getByRole('link', { name: 'Lincoln Unified' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lincoln Unified: overview' }).waitFor();
  });

  it('claims a domain and verifies it as the operator', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Domains' }).click();
    await page.getByLabel('Domain name').fill('lincoln.example');
    await page.getByRole('button', { name: 'Claim domain' }).click();
    await messages().getByText('Claimed lincoln.example').waitFor();
    await assert.doesNotReject(page.getByText('_launchgate-challenge.lincoln.example', { exact: true }).waitFor());
    await page.getByRole('button', { name: 'Mark lincoln.example verified without DNS (operator)' }).click();
    await messages().getByText('lincoln.example is marked verified by the operator.').waitFor();
    await shot('domains');
    assert.equal((await h.store.findDomainByName('lincoln.example'))?.status, 'verified');
  });

  it('links a Clever district with the guided set-up', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Identity and connections' }).click();
    assert.ok(await page.getByText(`${h.baseUrl}/auth/clever/callback`).isVisible());
    await page.getByLabel('Clever district ID').fill('district-7');
    await page.getByRole('button', { name: 'Link Clever' }).click();
    await messages().getByText('Linked Clever district district-7 to this directory.').waitFor();
    await shot('connections');
  });

  it('turns just-in-time provisioning off, and a new person’s launch is refused', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Settings' }).click();
    const jit = page.getByRole('checkbox', { name: 'Just-in-time user provisioning' });
    assert.equal(await jit.isChecked(), true);
    await jit.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await messages().getByText('Just-in-time user provisioning is off for Students and staff.').waitFor();
    await shot('settings-jit-off');
    const refused = await launch('ada', 'ada@lincoln.example');
    assert.equal(refused.status, 403);
    assert.match(refused.body, /jit_disabled/);
  });

  it('finds the refusal in the audit log, explained in words', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Decision').selectOption('refused');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.getByRole('row').filter({ hasText: 'ada@lincoln.example' });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /Refused/);
    assert.match(text, /Just-in-time provisioning is off for this directory; assign a license by hand or turn JIT on\./);
    await shot('audit-log');
  });

  it('assigns a license by hand, and the same person is let in', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill('ada@lincoln.example');
    await page.getByLabel('Product').selectOption('studio');
    await page.getByRole('button', { name: 'Assign license' }).click();
    await messages().getByText('Assigned a Studio (built-in demo product) license to ada@lincoln.example (new user).').waitFor();
    await shot('user-detail');
    const allowed = await launch('ada', 'ada@lincoln.example');
    assert.equal(allowed.status, 303);
    assert.match(allowed.location ?? '', /\/product\/studio\?assertion=/);
  });

  it('turns just-in-time provisioning on again, and a new person is let in', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('checkbox', { name: 'Just-in-time user provisioning' }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await messages().getByText('Just-in-time user provisioning is on for Students and staff.').waitFor();
    const allowed = await launch('grace', 'grace@lincoln.example');
    assert.equal(allowed.status, 303);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('link', { name: 'grace Tester' }).waitFor();
    await shot('users');
  });

  it('shows the overview and the seats', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Overview' }).click();
    const text = await page.locator('main').innerText();
    assert.match(text, /2\s+launches allowed/);
    assert.match(text, /1\s+launches refused/);
    await shot('overview');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Products and seats' }).click();
    assert.match(await page.locator('main').innerText(), /2 used of 25/);
    await shot('products');
  });

  it('can be driven by keyboard: the skip link comes first and reaches the main content', async () => {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.equal(focused, 'Skip to main content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    assert.equal(new URL(page.url()).pathname, `/admin/orgs/${orgId}/products`);
    assert.ok(directoryId);
  });
});
