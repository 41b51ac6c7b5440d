import assert from 'node:assert/strict';
import { PASSWORD, startConsole, textOf, type ConsoleWorld } from './support';

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

  it('counts attempts on unknown addresses too, so a lockout does not reveal which accounts exist', async () => {
    for (let i = 0; i < 5; i++) await w.client().signIn('nobody@example.org', 'guess', from(`10.9.0.${i}`));
    const hop = await w.client().signIn('nobody@example.org', 'guess', from('10.9.1.1'));
    assert.equal(hop.status, 429);
  });
});
