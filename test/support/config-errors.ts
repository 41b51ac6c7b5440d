import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/server/config';

/** The ConfigError loadConfig throws for `env`; fails the test if it throws none. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/tmp');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a configuration error');
}
