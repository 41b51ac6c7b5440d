/**
 * ltijs on our storage: the SQLite plugin keeps ltijs's seven-method contract, adds what ltijs's
 * own backend leaves to chance (atomic uniqueness, expiry on read, a Delete that never rejects),
 * and a storage failure at start-up is an error we can handle, not a process.exit.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LtijsSqlitePlugin } from '../ltijs/sqlite-plugin';
import { LtijsStartError, startLtijs } from '../ltijs/runtime';
import { safeLtijsDatabase } from '../ltijs/safe-database';
import type { LtijsDatabase } from 'ltijs';

describe('ltijs SQLite storage plugin', function () {
  let dir: string;
  let t = Date.parse('2030-01-01T00:00:00Z');
  let plugin: LtijsSqlitePlugin;
  const KEY = 'encryption-key-for-tests';

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-ltijs-'));
    t = Date.parse('2030-01-01T00:00:00Z');
    plugin = new LtijsSqlitePlugin({ file: path.join(dir, 'launchgate.sqlite'), now: () => new Date(t) });
    await plugin.setup();
  });
  afterEach(async () => {
    await plugin.Close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers false (not []) when nothing matches, and matches on ANDed top-level fields', async () => {
    assert.equal(await plugin.Get(false, 'platform', { platformUrl: 'x' }), false);
    await plugin.Insert(false, 'platform', { platformUrl: 'https://canvas', clientId: '1', kid: 'a', authConfig: { method: 'JWK_SET', key: 'u' } });
    await plugin.Insert(false, 'platform', { platformUrl: 'https://canvas', clientId: '2', kid: 'b' });
    const both = await plugin.Get(false, 'platform', { platformUrl: 'https://canvas' });
    assert.equal(both && both.length, 2);
    const one = await plugin.Get(false, 'platform', { platformUrl: 'https://canvas', clientId: '1' });
    assert.deepEqual(one && one[0]!.authConfig, { method: 'JWK_SET', key: 'u' });
    const all = await plugin.Get(false, 'platform');
    assert.equal(all && all.length, 2, 'no query: every row');
  });

  it('encrypts with ltijs’s scheme and returns decrypted rows with createdAt', async () => {
    await plugin.Replace(KEY, 'privatekey', { kid: 'k1' }, { key: '-----BEGIN PRIVATE KEY-----', kid: 'k1' }, { kid: 'k1', platformUrl: 'p', clientId: 'c' });
    const raw = await plugin.Get(false, 'privatekey', { kid: 'k1' });
    assert.ok(raw && typeof raw[0]!.data === 'string' && typeof raw[0]!.iv === 'string');
    assert.ok(!JSON.stringify(raw).includes('BEGIN PRIVATE KEY'), 'the key is not stored in clear');
    const rows = await plugin.Get(KEY, 'privatekey', { kid: 'k1' });
    assert.equal(rows && rows[0]!.key, '-----BEGIN PRIVATE KEY-----');
    assert.equal(rows && rows[0]!.createdAt, t);
    await plugin.Modify(KEY, 'privatekey', { kid: 'k1' }, { key: 'rotated' });
    const modified = await plugin.Get(KEY, 'privatekey', { kid: 'k1' });
    assert.equal(modified && modified[0]!.key, 'rotated');
  });

  it('Replace upserts, Modify changes one document shallowly', async () => {
    await plugin.Replace(false, 'platformStatus', { id: 'p1' }, { id: 'p1', active: false });
    await plugin.Replace(false, 'platformStatus', { id: 'p1' }, { id: 'p1', active: true });
    const rows = await plugin.Get(false, 'platformStatus', { id: 'p1' });
    assert.deepEqual(rows, [{ id: 'p1', active: true }]);
    await plugin.Modify(false, 'platformStatus', { id: 'p1' }, { active: false });
    assert.deepEqual(await plugin.Get(false, 'platformStatus', { id: 'p1' }), [{ id: 'p1', active: false }]);
  });

  it('refuses a second insert of the same nonce atomically (ltijs’s replay check)', async () => {
    await plugin.Insert(false, 'nonce', { nonce: 'n-1' });
    const attempts = await Promise.allSettled([plugin.Insert(false, 'nonce', { nonce: 'n-1' }), plugin.Insert(false, 'nonce', { nonce: 'n-1' })]);
    assert.deepEqual(
      attempts.map((a) => a.status),
      ['rejected', 'rejected'],
    );
  });

  it('never returns expired rows, and lets a value be reused once expired', async () => {
    await plugin.Insert(false, 'state', { state: 's-1', query: {} });
    t += 599_000;
    assert.ok(await plugin.Get(false, 'state', { state: 's-1' }));
    t += 2_000;
    assert.equal(await plugin.Get(false, 'state', { state: 's-1' }), false);
    await plugin.Insert(false, 'state', { state: 's-1', query: { again: '1' } });
    assert.equal(plugin.purgeExpired(), 0);
  });

  it('Delete never rejects, even on a closed store (ltijs calls it without await)', async () => {
    const errors: string[] = [];
    const quiet = new LtijsSqlitePlugin({ file: path.join(dir, 'other.sqlite'), onError: (_e, op) => errors.push(op) });
    await quiet.setup();
    await quiet.Close();
    assert.equal(await quiet.Delete('state', { state: 'x' }), false);
    assert.equal(await quiet.Delete('no-such-collection', {}), false);
    assert.deepEqual(errors, ['Delete state', 'Delete no-such-collection']);
  });

  it('refuses field names that are not plain identifiers', async () => {
    await assert.rejects(plugin.Get(false, 'platform', { "kid') OR 1=1 --": 'x' }), /unexpected field/);
  });
});

describe('ltijs runtime', function () {
  it('a store ltijs cannot open is an error we catch, not process.exit', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-ltijs-'));
    const exit = process.exit;
    let exited = false;
    process.exit = (() => {
      exited = true;
    }) as typeof process.exit;
    try {
      await assert.rejects(
        startLtijs({
          storage: { kind: 'sqlite', file: dir }, // a directory: SQLite cannot open it
          encryptionKey: 'k',
          publicUrl: new URL('http://127.0.0.1:1'),
          toolName: 'LaunchGate',
          description: 'd',
          iconUrl: 'http://127.0.0.1:1/lti/icon.svg',
          fetch: () => Promise.reject(new Error('no network in this test')),
          now: () => new Date(),
          onError: () => undefined,
        }),
        LtijsStartError,
      );
      assert.equal(exited, false);
    } finally {
      process.exit = exit;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves no SIGINT handler behind, and two providers live side by side in one process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-ltijs-'));
    const before = process.listenerCount('SIGINT');
    const options = (file: string) => ({
      storage: { kind: 'sqlite' as const, file },
      encryptionKey: 'k',
      publicUrl: new URL('http://127.0.0.1:1'),
      toolName: 'LaunchGate',
      description: 'd',
      iconUrl: 'http://127.0.0.1:1/lti/icon.svg',
      fetch: () => Promise.reject(new Error('no network in this test')),
      now: () => new Date(),
      onError: () => undefined,
    });
    const a = await startLtijs(options(path.join(dir, 'a.sqlite')));
    const b = await startLtijs(options(path.join(dir, 'b.sqlite')));
    try {
      assert.notEqual(a.provider, b.provider);
      assert.equal(process.listenerCount('SIGINT'), before);
    } finally {
      await a.close();
      await b.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('safeLtijsDatabase turns a rejecting Delete into false and sets up once', async () => {
    let setups = 0;
    const failing: LtijsDatabase = {
      setup: async () => {
        setups += 1;
        return true;
      },
      Close: async () => true,
      Get: async () => false,
      Insert: async () => true,
      Replace: async () => true,
      Modify: async () => true,
      Delete: async () => {
        throw new Error('connection lost');
      },
    };
    const logged: string[] = [];
    const safe = safeLtijsDatabase(failing, (_e, op) => logged.push(op));
    await Promise.all([safe.setup(), safe.setup()]);
    assert.equal(setups, 1);
    assert.equal(await safe.Delete('idtoken', { user: 'u' }), false);
    assert.deepEqual(logged, ['Delete idtoken']);
  });
});

const mongoUri = process.env.MONGODB_URI;

describe(`ltijs on MongoDB (MONGODB_URI)${mongoUri ? '' : ' — pending: MONGODB_URI is not set and no MongoDB server can run on this machine'}`, function () {
  before(function () {
    if (!mongoUri) this.skip();
  });

  it('stores and reads back through ltijs’s own MongoDB backend, behind the safe wrapper', async () => {
    const runtime = await startLtijs({
      storage: { kind: 'mongo', uri: mongoUri! },
      encryptionKey: 'k',
      publicUrl: new URL('http://127.0.0.1:1'),
      toolName: 'LaunchGate',
      description: 'd',
      iconUrl: 'http://127.0.0.1:1/lti/icon.svg',
      fetch: () => Promise.reject(new Error('no network in this test')),
      now: () => new Date(),
      onError: () => undefined,
    });
    try {
      const db = runtime.provider.Database;
      const state = `s-${Date.now()}-${Math.random()}`;
      await db.Insert(false, 'state', { state, query: {} });
      const rows = await db.Get(false, 'state', { state });
      assert.ok(rows && rows.length === 1);
      assert.equal(await db.Delete('state', { state }), true);
      assert.equal(await db.Get(false, 'state', { state }), false);
    } finally {
      await runtime.close();
    }
  });
});
