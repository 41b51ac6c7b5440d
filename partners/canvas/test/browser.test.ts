/**
 * The launch a person sees, in Chromium: LaunchGate in an iframe of a Canvas page on another site
 * (page on 127.0.0.2, LaunchGate on 127.0.0.1), with third-party cookies blocked.
 *
 * 1. Chromium as shipped (third-party cookies blocked; partitioned cookies allowed), Canvas
 *    offering platform storage: the launch completes inside the iframe.
 * 2. No cookie at all in the iframe (as Safari): the launch completes through platform storage.
 * 3. No cookie and no platform storage: LaunchGate offers a new window, and the launch completes there.
 * Needs /usr/bin/chromium (Debian's; .ci/run installs it). Without it these tests are pending.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { CanvasSimulator } from '../simulator';
import { startCanvasWorld, type CanvasWorld } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve(__dirname, '../../../test-output');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const available = fs.existsSync(CHROMIUM);

describe(`Canvas launch in a browser iframe with third-party cookies blocked${available ? '' : ` — pending: ${CHROMIUM} is not installed`}`, function () {
  this.timeout(60_000);
  let w: CanvasWorld | undefined;
  let sim: CanvasSimulator | undefined;
  let browser: Browser | undefined;

  before(async function () {
    if (!available) this.skip();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
    sim = await CanvasSimulator.start({ host: '127.0.0.2' });
    w = await startCanvasWorld({ sim });
    fs.mkdirSync(OUTPUT, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await w?.close();
    await sim?.close();
  });

  /**
   * As Safari does for third parties: LaunchGate's cookie never comes back inside the iframe. The
   * browser's cookies are dropped just before the platform's form_post reaches LaunchGate in the
   * iframe (rewriting LaunchGate's responses instead would make Chromium treat them as
   * public-network documents and block their navigation to a loopback Canvas).
   */
  async function blockIframeCookies(context: BrowserContext): Promise<void> {
    await context.route(`${w!.h.baseUrl}/lti/launch`, async (route) => {
      if (route.request().frame().parentFrame() !== null) await context.clearCookies();
      await route.continue();
    });
  }

  async function productIn(frame: Frame | Page): Promise<string> {
    const access = frame.locator('[data-testid="access"]');
    await access.waitFor({ timeout: 20_000 });
    return (await access.textContent()) ?? '';
  }

  function toolFrame(page: Page): Frame {
    const frame = page.frame({ name: 'tool_content' });
    assert.ok(frame, 'the course page frames LaunchGate');
    return frame;
  }

  it('Chromium as shipped, Canvas offering platform storage: the launch completes inside the iframe', async () => {
    const context = await browser!.newContext();
    try {
      const page = await context.newPage();
      const user = w!.student();
      await page.goto(sim!.coursePageUrl(w!.h.baseUrl, { user, storageTarget: 'post_message_forwarding' }));
      assert.equal(await productIn(toolFrame(page)), 'user_created');
      await page.screenshot({ path: path.join(OUTPUT, 'canvas-iframe-launch.png'), fullPage: true });
      assert.ok(await w!.h.store.findUserByExternalIdentity(w!.connection!.id, user.sub!));
      assert.ok(sim!.storageEvents.some((e) => e.subject === 'lti.put_data' && e.origin === new URL(w!.h.baseUrl).origin));
      // The partitioned login cookie came back inside the iframe, so the platform was never asked.
      assert.ok(!sim!.storageEvents.some((e) => e.subject === 'lti.get_data'));
    } finally {
      await context.close();
    }
  });

  it('no cookie in the iframe at all (as Safari): the launch completes through LTI platform storage', async () => {
    const context = await browser!.newContext();
    try {
      await blockIframeCookies(context);
      const page = await context.newPage();
      const gets = sim!.storageEvents.filter((e) => e.subject === 'lti.get_data').length;
      await page.goto(sim!.coursePageUrl(w!.h.baseUrl, { user: w!.student(), storageTarget: 'post_message_forwarding' }));
      assert.equal(await productIn(toolFrame(page)), 'user_created');
      await page.screenshot({ path: path.join(OUTPUT, 'canvas-iframe-platform-storage.png'), fullPage: true });
      assert.equal(sim!.storageEvents.filter((e) => e.subject === 'lti.get_data').length, gets + 1);
    } finally {
      await context.close();
    }
  });

  it('no cookie and no platform storage: LaunchGate offers a new window, where the launch completes', async () => {
    const context = await browser!.newContext();
    try {
      await blockIframeCookies(context);
      const page = await context.newPage();
      await page.goto(sim!.coursePageUrl(w!.h.baseUrl, { user: w!.student() }));
      const button = toolFrame(page).locator('[data-testid="open-new-window"]');
      await button.waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(OUTPUT, 'canvas-iframe-new-window-offer.png'), fullPage: true });
      const [popup] = await Promise.all([context.waitForEvent('page'), button.click()]);
      assert.equal(await productIn(popup), 'user_created');
    } finally {
      await context.close();
    }
  });
});
