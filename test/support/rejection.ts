import assert from 'node:assert/strict';

/** The error `promise` rejects with, checked to be a `type`; fails the test if it resolves or rejects otherwise. */
export async function rejectionOf<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof type, `expected a ${type.name}, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected a ${type.name}`);
}
