import assert from 'node:assert/strict';
import {
  checkPasswordRules,
  FailureCounter,
  hashPassword,
  PasswordRuleError,
  SessionStore,
  TEST_SCRYPT,
  verifyPassword,
} from '../../src/admin/accounts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite';
import { Clock } from './support';

describe('admin accounts: passwords, sessions and failure counting', () => {
  let store: SqliteStore;
  let clock: Clock;
  beforeEach(async () => {
    clock = new Clock();
    store = openSqliteStore({ file: ':memory:', now: clock.now });
    await store.init();
  });
  afterEach(() => store.close());

  it('hashes passwords with scrypt, salted, and never stores the password', async () => {
    const a = await hashPassword('correct horse battery staple', TEST_SCRYPT);
    const b = await hashPassword('correct horse battery staple', TEST_SCRYPT);
    assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, 'each hash has its own salt');
    assert.ok(!a.includes('horse'));
    assert.equal(await verifyPassword('correct horse battery staple', a), true);
    assert.equal(await verifyPassword('correct horse battery stapler', a), false);
  });

  it('refuses stored values that are not its hashes, and parameters that would exhaust memory', async () => {
    assert.equal(await verifyPassword('x', 'plain-text-password'), false);
    assert.equal(await verifyPassword('x', 'scrypt$1000$8$1$c2FsdHNhbHQ$' + 'A'.repeat(43)), false, 'N not a power of two');
    assert.equal(await verifyPassword('x', `scrypt$${2 ** 24}$8$1$c2FsdHNhbHQ$${'A'.repeat(43)}`), false, 'N too large');
  });

  it('asks for long passwords, not composition rules', () => {
    assert.throws(() => checkPasswordRules('short'), PasswordRuleError);
    assert.throws(() => checkPasswordRules('x'.repeat(257)), PasswordRuleError);
    assert.doesNotThrow(() => checkPasswordRules('all lower case words'));
  });

  it('keeps sessions under the hash of their token, and ends them after the idle time', async () => {
    const sessions = new SessionStore(store.ephemeral, clock.now, { idleMs: 10 * 60_000, absoluteMs: 60 * 60_000 });
    const account = await store.createAdminAccount({ email: 'a@example.org', passwordHash: 'scrypt$x', role: 'operator', orgId: null });
    const { token, record } = await sessions.create(account);
    assert.equal(await store.ephemeral.get('admin-session', token), null, 'the raw token is not a key');
    assert.equal((await sessions.load(token))?.accountId, account.id);
    assert.notEqual(record.csrf, token);
    clock.advance(9 * 60_000);
    assert.ok(await sessions.load(token), 'activity within the idle time keeps it');
    clock.advance(9 * 60_000);
    assert.ok(await sessions.load(token), 'idle time counts from the last request');
    clock.advance(11 * 60_000);
    assert.equal(await sessions.load(token), null);
  });

  it('ends a session at its absolute timeout however active it is', async () => {
    const sessions = new SessionStore(store.ephemeral, clock.now, { idleMs: 10 * 60_000, absoluteMs: 30 * 60_000 });
    const account = await store.createAdminAccount({ email: 'b@example.org', passwordHash: 'scrypt$x', role: 'operator', orgId: null });
    const { token } = await sessions.create(account);
    for (let i = 0; i < 5; i++) {
      clock.advance(5 * 60_000);
      assert.ok(await sessions.load(token));
    }
    clock.advance(5 * 60_000);
    assert.equal(await sessions.load(token), null);
  });

  it('counts failures in the shared store and locks a key after the limit, for the window', async () => {
    const counter = new FailureCounter(store.ephemeral, 'test', { maxFailures: 3, windowMs: 60_000 }, clock.now);
    for (let i = 0; i < 2; i++) await counter.recordFailure('k');
    assert.equal(await counter.isLocked('k'), false);
    await counter.recordFailure('k');
    assert.equal(await counter.isLocked('k'), true);
    assert.equal(await counter.isLocked('other'), false);
    await counter.reset('k');
    assert.equal(await counter.isLocked('k'), false);
  });

  it('counts concurrent failures once each', async () => {
    const counter = new FailureCounter(store.ephemeral, 'test', { maxFailures: 10, windowMs: 60_000 }, clock.now);
    await Promise.all(Array.from({ length: 9 }, () => counter.recordFailure('k')));
    assert.equal(await counter.isLocked('k'), false);
    await counter.recordFailure('k');
    assert.equal(await counter.isLocked('k'), true);
  });
});
