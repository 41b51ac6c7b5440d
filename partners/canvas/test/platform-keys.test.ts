/**
 * The platform key cache: one fetch for a burst of launches, a refetch on key rotation, no fetch
 * bought by a forged kid, and the cached keys kept when the platform is briefly down.
 */
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair } from 'jose';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PlatformKeys, type PlatformKeysOptions } from '../platform-keys';
import { SharedKeySets } from '../shared-key-sets';
import type { FetchLike } from '../http';
import { openSqliteStore, type SqliteStore } from '../../../src/store/sqlite';
import { LaunchCheckError, PlatformUnavailableError } from '../errors';
import { newBrowser, postLaunch, beginLogin, startCanvasWorld, type CanvasWorld } from './helpers';

async function jwk(kid: string) {
  const { publicKey } = await generateKeyPair('RS256');
  return { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
}

function fakePlatform(keys: { keys: unknown[] }) {
  const state = { calls: 0, down: false, keys };
  const fetchImpl = async (): Promise<Response> => {
    state.calls += 1;
    await new Promise((r) => setTimeout(r, 20));
    if (state.down) return new Response('unavailable', { status: 503 });
    return new Response(JSON.stringify(state.keys), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { state, fetchImpl };
}

describe('Platform key cache', function () {
  const URL_A = 'https://canvas.example/api/lti/security/jwks';
  let t = 0;
  const now = () => new Date(t);
  beforeEach(() => {
    t = Date.parse('2030-01-01T00:00:00Z');
  });

  it('serves concurrent lookups from one fetch, as KeyObjects', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    const cache = new PlatformKeys({ fetch: platform.fetchImpl, now });
    const keys = await Promise.all(Array.from({ length: 25 }, () => cache.key(URL_A, 'k1')));
    assert.equal(platform.state.calls, 1);
    assert.equal(keys[0]!.type, 'public');
    assert.equal(keys[0]!.asymmetricKeyType, 'rsa');
  });

  it('refetches for an unknown kid only after the cooldown (rotation), never before', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    const cache = new PlatformKeys({ fetch: platform.fetchImpl, now, cooldownMs: 30_000 });
    await cache.key(URL_A, 'k1');
    platform.state.keys = { keys: [await jwk('k1'), await jwk('k2')] };
    await assert.rejects(cache.key(URL_A, 'k2'), (err: unknown) => err instanceof LaunchCheckError && err.code === 'kid_unknown');
    assert.equal(platform.state.calls, 1, 'an unknown kid within the cooldown costs no fetch');
    t += 31_000;
    const concurrent = await Promise.all([cache.key(URL_A, 'k2'), cache.key(URL_A, 'k2'), cache.key(URL_A, 'k1')]);
    assert.equal(concurrent.length, 3);
    assert.equal(platform.state.calls, 2);
  });

  it('keeps cached keys when a refresh fails, and waits before retrying a failed fetch', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    const cache = new PlatformKeys({ fetch: platform.fetchImpl, now, maxAgeMs: 60_000, failureCooldownMs: 5_000 });
    await cache.key(URL_A, 'k1');
    platform.state.down = true;
    t += 61_000;
    assert.equal((await cache.key(URL_A, 'k1')).type, 'public', 'stale key still verifies while the platform is down');
    assert.equal(platform.state.calls, 2);

    const cold = new PlatformKeys({ fetch: platform.fetchImpl, now, failureCooldownMs: 5_000 });
    await assert.rejects(cold.key(URL_A, 'k1'), (err: unknown) => err instanceof PlatformUnavailableError && err.code === 'jwks_unavailable');
    await assert.rejects(cold.key(URL_A, 'k1'), PlatformUnavailableError);
    assert.equal(platform.state.calls, 3, 'a failed fetch is not retried inside the failure cooldown');
  });

  it('ignores keys that cannot verify RS256 (wrong kty, use, alg, or no kid)', async () => {
    const good = await jwk('good');
    const platform = fakePlatform({
      keys: [{ ...good, kid: undefined }, { ...good, kid: 'enc', use: 'enc' }, { ...good, kid: 'es', alg: 'ES256' }, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }, good],
    });
    const cache = new PlatformKeys({ fetch: platform.fetchImpl, now });
    assert.equal((await cache.key(URL_A, 'good')).type, 'public');
    for (const kid of ['enc', 'es', 'hmac']) {
      t += 60_000;
      await assert.rejects(cache.key(URL_A, kid), LaunchCheckError);
    }
  });
});

describe('Platform key cache shared through the store (several processes)', function () {
  const URL_A = 'https://canvas.example/api/lti/security/jwks';
  let t = 0;
  const now = () => new Date(t);
  let dir: string;
  let stores: SqliteStore[] = [];
  beforeEach(() => {
    t = Date.parse('2030-01-01T00:00:00Z');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'launchgate-jwks-'));
    // Two connections to one file, as two LaunchGate processes have.
    stores = [0, 1].map(() => openSqliteStore({ file: path.join(dir, 'shared.sqlite'), now }));
    return Promise.all(stores.map((s) => s.init()));
  });
  afterEach(async () => {
    for (const s of stores) await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const inProcess = (i: number, fetchImpl: FetchLike, extra: Partial<PlatformKeysOptions> = {}) =>
    new PlatformKeys({ fetch: fetchImpl, now, shared: new SharedKeySets(stores[i]!.ephemeral), sharedPollMs: 5, ...extra });

  it('a burst spread over two processes costs the platform one fetch', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    const [a, b] = [inProcess(0, platform.fetchImpl), inProcess(1, platform.fetchImpl)];
    const keys = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).key(URL_A, 'k1')));
    assert.equal(keys.length, 20);
    assert.equal(platform.state.calls, 1);
    assert.equal(a.fetchCount(URL_A) + b.fetchCount(URL_A), 1);
  });

  it('a process that starts later uses the set another fetched, and a rotation is fetched once for both', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    const a = inProcess(0, platform.fetchImpl, { cooldownMs: 30_000 });
    await a.key(URL_A, 'k1');
    const b = inProcess(1, platform.fetchImpl, { cooldownMs: 30_000 });
    await b.key(URL_A, 'k1');
    assert.equal(platform.state.calls, 1);
    platform.state.keys = { keys: [await jwk('k1'), await jwk('k2')] };
    t += 31_000;
    await Promise.all([a.key(URL_A, 'k2'), b.key(URL_A, 'k2')]);
    assert.equal(platform.state.calls, 2);
  });

  it('a forged kid buys no fetch from either process within the cooldown', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    const [a, b] = [inProcess(0, platform.fetchImpl), inProcess(1, platform.fetchImpl)];
    await a.key(URL_A, 'k1');
    for (const cache of [a, b]) {
      await assert.rejects(cache.key(URL_A, 'forged'), (err: unknown) => err instanceof LaunchCheckError && err.code === 'kid_unknown');
    }
    assert.equal(platform.state.calls, 1);
  });

  it('when the fetching process fails, the others stop waiting at once and do not ask the platform again', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    platform.state.down = true;
    const [a, b, c] = [0, 1, 0].map((i) => inProcess(i, platform.fetchImpl, { timeoutMs: 2_000, failureCooldownMs: 5_000 }));
    const started = Date.now();
    const results = await Promise.allSettled([a!.key(URL_A, 'k1'), b!.key(URL_A, 'k1'), c!.key(URL_A, 'k1')]);
    const waited = Date.now() - started;
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.reason instanceof PlatformUnavailableError && r.reason.code === 'jwks_unavailable');
    }
    assert.equal(platform.state.calls, 1, 'one fetch for the whole outage burst');
    assert.ok(waited < 1_000, `the waiting processes gave up after ${waited} ms, not at the 2 s timeout`);
    // Within the failure cooldown a new launch on any process costs no fetch either.
    await assert.rejects(inProcess(1, platform.fetchImpl).key(URL_A, 'k1'), PlatformUnavailableError);
    assert.equal(platform.state.calls, 1);
    // After it, the platform is back and asked once.
    platform.state.down = false;
    t += 6_000;
    await stores[0]!.ephemeral.purgeExpired(now());
    await Promise.all([a!.key(URL_A, 'k1'), b!.key(URL_A, 'k1')]);
    assert.equal(platform.state.calls, 2);
  });

  it('a process whose lease holder vanished takes over the fetch instead of waiting out the timeout', async () => {
    const platform = fakePlatform({ keys: [await jwk('k1')] });
    const shared = new SharedKeySets(stores[0]!.ephemeral);
    // A holder that claimed the lease and died without answering or releasing it.
    const orphan = await shared.claimFetch(URL_A, new Date(t + 200));
    assert.notEqual(orphan, null);
    const b = inProcess(1, platform.fetchImpl, { timeoutMs: 5_000 });
    const started = Date.now();
    const waiting = b.key(URL_A, 'k1');
    // b finds the lease taken and waits; then the orphaned lease expires by the store's clock.
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(platform.state.calls, 0, 'b waits while the lease is held');
    t += 300;
    await waiting;
    assert.equal(platform.state.calls, 1);
    assert.ok(Date.now() - started < 2_000);
  });

  it('releasing a lease frees only the caller’s own', async () => {
    const shared = new SharedKeySets(stores[0]!.ephemeral);
    const first = await shared.claimFetch(URL_A, new Date(t + 100));
    t += 200; // expired: another process may take it
    const second = await shared.claimFetch(URL_A, new Date(t + 10_000));
    assert.ok(first !== null && second !== null);
    await shared.release(URL_A, first);
    assert.equal(await shared.claimFetch(URL_A, new Date(t + 10_000)), null, 'the second holder still holds it');
    await shared.release(URL_A, second);
    assert.notEqual(await shared.claimFetch(URL_A, new Date(t + 10_000)), null);
  });
});

describe('Platform key cache in real launches', function () {
  let w: CanvasWorld;
  let t = Date.now();
  before(async () => {
    w = await startCanvasWorld({ now: () => new Date(t) });
  });
  after(async () => {
    await w?.close();
  });

  it('a burst of concurrent launches fetches the platform JWKS once', async () => {
    w.sim.jwksDelayMs = 150;
    const ready = [];
    for (let i = 0; i < 12; i++) {
      const browser = newBrowser();
      const login = await beginLogin(w, browser, { user: w.student() });
      ready.push({ browser, form: await w.sim.authorize(login.authUrl) });
    }
    const answers = await Promise.all(ready.map(({ browser, form }) => postLaunch(w, browser, form.fields)));
    assert.deepEqual(
      answers.map((a) => a.status),
      answers.map(() => 303),
    );
    assert.equal(w.sim.jwksFetches, 1);
    assert.equal(w.canvas.platformKeys?.fetchCount(w.sim.jwksUrl), 1);
    w.sim.jwksDelayMs = 0;
  });

  it('an unknown kid after key rotation: refused inside the cooldown, accepted after one refetch', async () => {
    const fetchesBefore = w.sim.jwksFetches;
    await w.sim.rotateKey({ retireOld: true });
    const early = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student() });
    assert.equal(early.final.status, 400);
    assert.equal(w.sim.jwksFetches, fetchesBefore);
    t += 31_000;
    const later = await w.sim.launch(newBrowser(), w.h.baseUrl, { user: w.student() });
    assert.equal(later.final.status, 303);
    assert.equal(w.sim.jwksFetches, fetchesBefore + 1);
  });
});
