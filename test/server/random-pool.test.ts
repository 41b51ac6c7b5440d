import assert from 'node:assert/strict';
import { RandomPool } from '../../src/server/random-pool';

describe('random pool (CSP nonces)', () => {
  it('hands out values of the size asked for, never the same one twice, across refills', () => {
    const pool = new RandomPool(64);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const value = pool.base64(16);
      assert.equal(Buffer.from(value, 'base64').length, 16);
      assert.ok(!seen.has(value), 'a nonce was handed out twice');
      seen.add(value);
    }
  });

  it('refuses a request larger than the pool', () => {
    assert.throws(() => new RandomPool(8).base64(16), RangeError);
  });
});
