/**
 * /lti/register is open to anyone, and each registration costs LaunchGate outbound calls, an RSA
 * key pair and a pending connection. Flooding it is refused before any of that work: per client,
 * for everyone together, and once too many registrations wait for an admin.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import { clientKey, SlotLimiter } from '../registration-gate';
import { recordingFetch, startCanvasWorld, type CanvasWorld } from './helpers';

const HOUR = 60 * 60_000;


function register(w: CanvasWorld, ip: string, token?: string): Promise<Response> {
  const url = new URL(w.sim.registrationUrl(`${w.h.baseUrl}/lti/register`));
  if (token !== undefined) url.searchParams.set('registration_token', token);
  return fetch(url, { headers: { 'x-forwarded-for': ip } });
}

describe('Canvas dynamic registration: flooding /lti/register is refused before any work', function () {
  describe('per client and for everyone', () => {
    let w: CanvasWorld;
    const outbound = recordingFetch();
    before(async () => {
      w = await startCanvasWorld({
        link: false,
        canvas: { fetch: outbound.fetch, registrationLimits: { perClient: { max: 2, windowMs: HOUR }, global: { max: 5, windowMs: HOUR } } },
      });
    });
    after(async () => {
      await w?.close();
    });

    it('the third registration from one address in the window gets 429 and a clear page, and LaunchGate calls nobody', async () => {
      // Failed attempts count too: the work (and the outbound calls) happened all the same.
      assert.equal((await register(w, '198.51.100.7', 'forged')).status, 502);
      assert.equal((await register(w, '198.51.100.7', 'forged')).status, 502);
      const callsBefore = outbound.calls.length;
      const refused = await register(w, '198.51.100.7');
      assert.equal(refused.status, 429);
      const page = await refused.text();
      assert.match(page, /Too many registration attempts from your network/);
      assert.equal(outbound.calls.length, callsBefore, 'no request reached the platform');
      assert.equal(w.sim.registrations.length, 0);
    });

    it('one IPv6 client cannot escape its limit by rotating addresses within its /64', async () => {
      assert.equal((await register(w, '2001:db8:aa:1::1', 'forged')).status, 502);
      assert.equal((await register(w, '2001:db8:aa:1::2', 'forged')).status, 502);
      assert.equal((await register(w, '2001:db8:aa:1:ffff::3', 'forged')).status, 429);
    });

    it('once everyone together has used the global allowance, a new address is refused too (503)', async () => {
      // 4 attempts were admitted above (the 429s took no global slot); this is the fifth and last.
      assert.equal((await register(w, '192.0.2.98', 'forged')).status, 502);
      const callsBefore = outbound.calls.length;
      const busy = await register(w, '192.0.2.99');
      assert.equal(busy.status, 503);
      assert.match(await busy.text(), /too many registrations right now/);
      assert.equal(outbound.calls.length, callsBefore);
    });
  });

  describe('pending registrations', () => {
    let w: CanvasWorld;
    const outbound = recordingFetch();
    before(async () => {
      w = await startCanvasWorld({ link: false, canvas: { fetch: outbound.fetch, registrationLimits: { maxPending: 1 } } });
    });
    after(async () => {
      await w?.close();
    });

    it('refuses a registration while too many wait for an admin, without calling the platform', async () => {
      const first = await register(w, '198.51.100.20');
      assert.equal(first.status, 200, await first.text());
      const callsBefore = outbound.calls.length;
      const refused = await register(w, '198.51.100.21');
      assert.equal(refused.status, 503);
      assert.match(await refused.text(), /Too many Canvas registrations are waiting for a LaunchGate administrator/);
      assert.equal(outbound.calls.length, callsBefore);
      assert.equal(w.sim.registrations.length, 1);
    });
  });

  describe('the counter', () => {
    let dir: string;
    let file: string;
    let clock = Date.now();
    const now = () => new Date(clock);
    const stores: SqliteStore[] = [];
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-gate-'));
      file = path.join(dir, 'gate.sqlite');
    });
    after(async () => {
      for (const store of stores) await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    async function openProcess(): Promise<SqliteStore> {
      const store = openSqliteStore({ file, now, checkpointInWorker: false });
      await store.init();
      stores.push(store);
      return store;
    }

    it('is shared by every process on the store, and frees a slot a window after the attempt that took it', async () => {
      const a = new SlotLimiter((await openProcess()).ephemeral, 'client', { max: 3, windowMs: HOUR }, now);
      const b = new SlotLimiter((await openProcess()).ephemeral, 'client', { max: 3, windowMs: HOUR }, now);
      assert.equal(await a.take('203.0.113.1'), true);
      assert.equal(await b.take('203.0.113.1'), true);
      const concurrent = await Promise.all([a.take('203.0.113.1'), b.take('203.0.113.1')]);
      assert.deepEqual(concurrent.sort(), [false, true], 'of two concurrent last attempts, one gets the slot');
      assert.equal(await a.isFull('203.0.113.1'), true);
      assert.equal(await b.take('203.0.113.2'), true, 'other clients are unaffected');
      clock += HOUR + 1;
      assert.equal(await a.take('203.0.113.1'), true);
    });

    it('counts an IPv6 client by its /64 and an IPv4-mapped address as its IPv4', () => {
      assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), clientKey('2001:db8:1:2::9'));
      assert.notEqual(clientKey('2001:db8:1:2::9'), clientKey('2001:db8:1:3::9'));
      assert.equal(clientKey('::ffff:198.51.100.4'), '198.51.100.4');
      assert.equal(clientKey(undefined), 'unknown');
    });
  });
});
