import assert from 'node:assert/strict';
import { hashPassword, SignIn, TEST_SCRYPT, type SignInResult } from '../../src/admin/accounts';
import type { AdminAccountStore } from '../../src/store/port';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { Clock, PASSWORD, startConsole, textOf, type ConsoleWorld } from './support';

const policy = { perAccount: { maxFailures: 5, windowMs: 15 * 60_000 }, perAddress: { maxFailures: 12, windowMs: 15 * 60_000 } };

describe('admin console: sign-in throttling', () => {
  let w: ConsoleWorld;
  /** A second console on the same SQLite file: another process, as far as the store can tell. */
  let other: ConsoleWorld;
  before(async () => {
    w = await startConsole({ signInPolicy: policy });
    other = await startConsole({ signInPolicy: policy, sqliteFile: w.sqliteFile, clock: w.clock });
    for (const name of ['target', 'bystander', 'a', 'b', 'c', 'd']) await w.account(`${name}@example.org`, 'operator');
  });
  after(async () => {
    await other?.close();
    await w?.close();
  });

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('locks an account after 5 failed attempts, even with the right password, and counts across processes', async () => {
    for (let i = 0; i < 5; i++) {
      const console = i % 2 === 0 ? w : other;
      const hop = await console.client().signIn('target@example.org', `wrong password ${i}`, from(`10.0.0.${i + 1}`));
      assert.equal(hop.status, 401, `attempt ${i}`);
    }
    const locked = await other.client().signIn('target@example.org', PASSWORD, from('10.0.1.1'));
    assert.equal(locked.status, 429);
    assert.match(textOf(locked.body), /Too many failed sign-in attempts\. Wait 15 minutes/);
    assert.equal((await w.client().signIn('bystander@example.org', PASSWORD, from('10.0.1.1'))).status, 303, 'other accounts are unaffected');
  });

  it('lets the account in again once the window has passed', async () => {
    w.clock.advance(16 * 60_000);
    assert.equal((await w.client().signIn('target@example.org', PASSWORD, from('10.0.2.1'))).status, 303);
  });

  it('locks a client address after 12 failures across accounts, not other addresses', async () => {
    const ip = from('192.0.2.7');
    for (const email of ['a', 'b', 'c']) {
      for (let i = 0; i < 4; i++) assert.equal((await w.client().signIn(`${email}@example.org`, 'wrong wrong wrong', ip)).status, 401);
    }
    assert.equal((await w.client().signIn('d@example.org', PASSWORD, ip)).status, 429);
    assert.equal((await w.client().signIn('d@example.org', PASSWORD, from('198.51.100.9'))).status, 303);
  });

  it('checks at most 5 of 40 simultaneous wrong passwords on one account, across processes, then refuses the right one', async () => {
    await w.account('burst@example.org', 'operator');
    const hops = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? w : other).client().signIn('burst@example.org', `wrong password ${i}`, from(`10.20.${i}.1`))),
    );
    const statuses = hops.map((h) => h.status);
    assert.equal(statuses.filter((s) => s === 401).length, 5, statuses.join(' '));
    assert.equal(statuses.filter((s) => s === 429).length, 35, statuses.join(' '));
    const right = await w.client().signIn('burst@example.org', PASSWORD, from('10.21.0.1'));
    assert.equal(right.status, 429);
  });

  it('checks at most 12 of 40 simultaneous attempts from one address', async () => {
    const ip = from('192.0.2.99');
    const hops = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? w : other).client().signIn(`spray${i}@example.org`, 'guess guess guess', ip)));
    const statuses = hops.map((h) => h.status);
    assert.equal(statuses.filter((s) => s === 401).length, 12, statuses.join(' '));
    assert.equal((await w.client().signIn('d@example.org', PASSWORD, ip)).status, 429);
  });

  it('counts attempts on unknown addresses too, so a lockout does not reveal which accounts exist', async () => {
    for (let i = 0; i < 5; i++) await w.client().signIn('nobody@example.org', 'guess', from(`10.9.0.${i}`));
    const hop = await w.client().signIn('nobody@example.org', 'guess', from('10.9.1.1'));
    assert.equal(hop.status, 429);
  });
});

describe('admin sign-in: slots are reserved before the password is checked', () => {
  const policy = { perAccount: { maxFailures: 5, windowMs: 15 * 60_000 }, perAddress: { maxFailures: 20, windowMs: 15 * 60_000 } };
  let store: SqliteStore;
  let clock: Clock;
  /** Password checks started: every attempt that gets past the throttle looks the account up first. */
  let evaluated: number;
  let openGate: () => void;
  let gate: Promise<void>;
  let signIn: SignIn;

  beforeEach(async () => {
    clock = new Clock();
    store = openSqliteStore({ file: ':memory:', now: clock.now });
    await store.init();
    await store.createAdminAccount({ email: 'target@example.org', role: 'operator', orgId: null, passwordHash: await hashPassword(PASSWORD, TEST_SCRYPT) });
    evaluated = 0;
    gate = new Promise<void>((resolve) => (openGate = resolve));
    // Holds every check in flight until the test opens the gate: the widest possible race window.
    const accounts: AdminAccountStore = new Proxy(store, {
      get(target, name) {
        if (name === 'findAdminAccountByEmail') {
          return async (email: string) => {
            evaluated++;
            await gate;
            return target.findAdminAccountByEmail(email);
          };
        }
        const value: unknown = Reflect.get(target, name);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    signIn = new SignIn({ accounts, ephemeral: store.ephemeral, now: clock.now, policy, scrypt: TEST_SCRYPT });
  });
  afterEach(() => store.close());

  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(condition(), 'timed out waiting');
  }

  it('refuses a correct password fired in a burst of 39 wrong ones, having checked only 5 of them', async () => {
    const settled: SignInResult[] = [];
    const wrong = Array.from({ length: 39 }, (_, i) =>
      signIn.attempt('target@example.org', `wrong password ${i}`, `10.30.0.${i}`).then((r) => {
        settled.push(r);
        return r;
      }),
    );
    // Every wrong attempt is now either held in its password check or already answered.
    await until(() => evaluated + settled.length === 39);
    const right = signIn.attempt('target@example.org', PASSWORD, '10.30.1.1');
    await until(() => settled.length === 34 || evaluated > 5);
    assert.equal(evaluated, 5, 'only the 5 attempts holding a slot reach the password check');
    assert.deepEqual(await Promise.race([right, new Promise((resolve) => setTimeout(() => resolve('still waiting'), 200))]), { ok: false, reason: 'throttled' });
    openGate();
    const results = await Promise.all(wrong);
    assert.equal(results.filter((r) => !r.ok && r.reason === 'invalid').length, 5);
    assert.equal(results.filter((r) => !r.ok && r.reason === 'throttled').length, 34);
    assert.equal(evaluated, 5);
  });

  it('keeps the generic answer for the attempts it checks, and lets the account in once the window passes', async () => {
    openGate();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => signIn.attempt('target@example.org', `nope ${i}`, '10.31.0.1')));
    assert.deepEqual(new Set(results.map((r) => (r.ok ? 'ok' : r.reason))), new Set(['invalid', 'throttled']));
    clock.advance(16 * 60_000);
    assert.equal((await signIn.attempt('target@example.org', PASSWORD, '10.31.0.1')).ok, true);
  });

  it('gives the address its slot back on success, so signing in often does not lock the address', async () => {
    openGate();
    for (let i = 0; i < 25; i++) assert.equal((await signIn.attempt('target@example.org', PASSWORD, '10.32.0.1')).ok, true, `sign-in ${i}`);
  });

  it('checks at most 20 of 30 simultaneous operator-token guesses from one address', async () => {
    let checks = 0;
    const guesses = Array.from({ length: 30 }, () =>
      signIn.guardAddress('10.33.0.1', async () => {
        checks++;
        await gate;
        return null;
      }),
    );
    await until(() => checks === 20);
    openGate();
    const results = await Promise.all(guesses);
    assert.equal(checks, 20);
    assert.equal(results.filter((r) => !r.ok && r.reason === 'throttled').length, 10);
  });
});
